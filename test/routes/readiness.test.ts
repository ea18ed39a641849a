// Issue 21, finding 5: /readyz is public, and sent four `stats` per request (2,700 req/s of it
// was 10,700 `stats`/s on the nodes). Now it answers from the client's node health (issue 23):
// a flood of it sends nothing, beside the heartbeat's one no-op per node per READY_CHECK_MS, and
// the answer says which nodes are down, since when and why.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, eventually, startCluster } from '../helper.ts'
import { countRoundTrips } from '../support/round-trips.ts'
import { READY_CHECK_MS } from '../../server/routes/health.ts'

test('a flood of /readyz sends memcached nothing beyond the heartbeat', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  await app.ready()
  // Count the probes (the heartbeat's only request) and every command (none is expected).
  let probes = 0
  for (const node of app.memcache.nodes) {
    const probe = node.transport.probe.bind(node.transport)
    node.transport.probe = () => { probes++; return probe() }
  }
  const commands = countRoundTrips(t, app.memcache)
  const started = Date.now()
  const answers = []
  for (let round = 0; round < 4; round++) answers.push(...await Promise.all(Array.from({ length: 100 }, () => app.inject('/readyz'))))
  const windows = Math.ceil((Date.now() - started) / READY_CHECK_MS) + 1
  t.diagnostic(`${answers.length} /readyz answers: ${probes} probes in ${Date.now() - started} ms (before: 4 stats per answer, ${answers.length * 4})`)
  assert.ok(answers.every((a) => a.statusCode === 200 && a.json().up === 4))
  assert.ok(probes <= windows * 4, `${probes} probes in ${windows} heartbeat windows`)
  assert.equal(commands.count, 0)
})

test('/readyz names the nodes that are down, and is 503 only when none answers', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  assert.deepEqual((await app.inject('/readyz')).json().down, [])
  const label = `127.0.0.1:${cluster.servers[2]!.port}`
  await cluster.nodes[2]!.stop('SIGKILL')
  await eventually(async () => (await app.inject('/readyz')).json().down.includes(label), 3 * READY_CHECK_MS + 2000)
  const answer = await app.inject('/readyz')
  assert.equal(answer.statusCode, 200)
  assert.equal(answer.headers['cache-control'], 'no-store')
  const body = answer.json()
  assert.equal(body.up, 3)
  assert.deepEqual(body.down, [label])
  const down = body.nodes.find((n: { node: string }) => n.node === label)
  assert.ok(down.error)
  assert.ok(down.downSince > 0 && down.downSince <= Date.now())
  assert.ok(down.nextProbeAt > 0)
  assert.ok(body.nodes.filter((n: { up: boolean }) => n.up).every((n: { error: unknown, downSince: unknown }) => n.error === null && n.downSince === null))
})
