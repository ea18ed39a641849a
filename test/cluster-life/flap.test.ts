// The cluster's real life under two app processes: a node that stops and comes back while
// visitors alternate between the instances, and every node stopping and starting again.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { eventually, startCluster } from '../helper.ts'
import { HttpVisitor, startAppProcess } from '../support/app-process.ts'

test('a node flaps under two instances: 0 of 24 sessions split, and those made during the outage survive its return', async (t) => {
  const cluster = await startCluster(t)
  const a = await startAppProcess(t, cluster)
  const b = await startAppProcess(t, cluster)

  // The weight-3 node stops; visitors keep using instance A, 24 new ones among them.
  await cluster.nodes[1]!.stop('SIGKILL')
  const visitors = Array.from({ length: 24 }, () => new HttpVisitor())
  const ids: string[] = []
  for (const visitor of visitors) {
    assert.equal(await visitor.set(a, 'made', 'during the outage'), 303)
    ids.push(visitor.sessionId!)
  }

  // The node comes back; each visitor alternates four writes between A and B.
  await cluster.nodes[1]!.start()
  for (const visitor of visitors) {
    for (let i = 0; i < 4; i++) assert.equal(await visitor.set(i % 2 === 0 ? a : b, `w${i}`, String(i)), 303)
  }

  const expected = { made: 'during the outage', w0: '0', w1: '1', w2: '2', w3: '3' }
  let split = 0
  for (const [n, visitor] of visitors.entries()) {
    const seen = [await visitor.get(a), await visitor.get(b)]
    const whole = seen.every((page) => page.status === 200 && JSON.stringify(page.data) === JSON.stringify(expected))
    if (!whole || visitor.sessionId !== ids[n]) split++
  }
  t.diagnostic(`${split} of ${visitors.length} sessions split or lost writes`)
  assert.equal(split, 0)
})

test('every node stops, then starts again: 503 at once, then 200 within about a second of memcached answering', async (t) => {
  const cluster = await startCluster(t)
  const app = await startAppProcess(t, cluster)
  const visitor = new HttpVisitor()
  assert.equal(await visitor.set(app, 'k', 'v'), 303)

  await cluster.stop('SIGKILL')
  await eventually(async () => (await visitor.get(app)).status === 503, 3000)
  const started = Date.now()
  assert.equal((await visitor.get(app)).status, 503)
  // Waiting for a deadline (500 ms, the default) would take at least that long.
  assert.ok(Date.now() - started < 500, `with every node down, the answer does not wait for a deadline (${Date.now() - started} ms)`)

  // An outage long enough for the probes to back off to their longest interval (the scenario
  // itself, not a wait for a condition).
  await new Promise((resolve) => setTimeout(resolve, 2500))
  await cluster.start()
  const back = Date.now()
  let page = await visitor.get(app)
  while (page.status !== 200) {
    assert.ok(Date.now() - back < 5000, 'the app never came back')
    page = await visitor.get(app)
  }
  const took = Date.now() - back
  t.diagnostic(`200 again ${took} ms after every node listened (probes back off to MEMCACHED_PROBE_MAX_MS, 1 s)`)
  assert.ok(took <= 2000, `${took} ms`)
})
