// Two copies of every session under two app processes (SESSION_REPLICAS=1, the default): a node
// killed, restarted empty, another killed; a node hung while its sessions are written through both
// instances, then resumed with its old records; an ended session with its home node gone.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { eventually, makeClient, startCluster } from '../helper.ts'
import type { MemcacheClient } from '@memcache-session/client'
import { HttpVisitor, startAppProcess, type AppProcess } from '../support/app-process.ts'

/**
 * How many visitors' sessions are not what they wrote, or have another id, on either instance.
 * Each loss is described on `t` (which instance, what the page showed, what every node holds).
 */
async function lost (t: TestContext, visitors: HttpVisitor[], expected: Array<Record<string, string>>, ids: string[], apps: AppProcess[], mc: MemcacheClient): Promise<number> {
  let count = 0
  for (const [n, visitor] of visitors.entries()) {
    for (const [i, app] of apps.entries()) {
      const page = await visitor.get(app)
      if (page.status !== 200 || visitor.sessionId !== ids[n] || JSON.stringify({ ...page.data }) !== JSON.stringify(expected[n])) {
        count++
        t.diagnostic(`lost: visitor ${n} on instance ${i}: ${page.status}, ${visitor.sessionId === ids[n] ? 'same id' : 'another id'}, data ${JSON.stringify(page.data)}; ${await holdings(mc, ids[n]!)}`)
        break
      }
    }
  }
  return count
}

/** What each node of `id`'s route chain holds under it: flags and value, or why not. */
async function holdings (mc: MemcacheClient, id: string): Promise<string> {
  const held = await Promise.all(mc.routeChain(id).map(async (node) => {
    try {
      const item = await mc.onNode(node).getItem(id)
      return `node ${node}: ${item ? `flags ${item.flags} ${item.bytes.toString()}` : 'nothing'}`
    } catch (error) {
      return `node ${node}: ${(error as Error).message}`
    }
  }))
  return held.join('; ')
}

test('kill -9 of one node: 0 sessions lost; that node back empty, then another killed: 0 lost', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  const a = await startAppProcess(t, cluster)
  const b = await startAppProcess(t, cluster)
  const visitors = Array.from({ length: 40 }, () => new HttpVisitor())
  const expected: Array<Record<string, string>> = []
  for (const [n, visitor] of visitors.entries()) {
    assert.equal(await visitor.set(a, 'n', String(n)), 303)
    assert.equal(await visitor.set(b, 'by', 'b'), 303)
    expected.push({ n: String(n), by: 'b' })
  }
  const ids = visitors.map((v) => v.sessionId!)
  const homes = ids.map((id) => mc.nodeIndexFor(id))
  t.diagnostic(`sessions per home node: ${[0, 1, 2, 3].map((node) => homes.filter((h) => h === node).length).join(' / ')}`)

  await cluster.nodes[0]!.stop('SIGKILL')
  const afterKill = await lost(t, visitors, expected, ids, [a, b], mc)
  t.diagnostic(`weight-4 node killed: ${afterKill} of ${visitors.length} sessions lost`)
  assert.equal(afterKill, 0)

  // Back, empty. Page views bring it up to date: every session whose copies it holds again is
  // copied back to it (each instance repairs what it serves).
  await cluster.nodes[0]!.start()
  const owners = ids.filter((id) => mc.routeChain(id).slice(0, 2).includes(0))
  await eventually(async () => {
    await lost(t, visitors, expected, ids, [a, b], mc)
    const held = await Promise.all(owners.map((id) => mc.onNode(0).getItem(id)))
    return held.every((item) => item !== undefined)
  }, 15_000)
  t.diagnostic(`node 0 back empty: ${owners.length} copies made again on it`)

  await cluster.nodes[1]!.stop('SIGKILL')
  const afterSecond = await lost(t, visitors, expected, ids, [a, b], mc)
  t.diagnostic(`then the weight-3 node killed: ${afterSecond} of ${visitors.length} sessions lost`)
  assert.equal(afterSecond, 0)
})

test('a node hung for 5 s while its sessions are written through both instances, then resumed with its old records: 0 writes lost, 0 ids changed', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  const a = await startAppProcess(t, cluster)
  const b = await startAppProcess(t, cluster)
  // Twelve visitors whose home is the weight-3 node.
  const visitors: HttpVisitor[] = []
  while (visitors.length < 12) {
    const visitor = new HttpVisitor()
    assert.equal(await visitor.set(a, 'before', 'hang'), 303)
    if (mc.nodeIndexFor(visitor.sessionId!) === 1) visitors.push(visitor)
  }
  const ids = visitors.map((v) => v.sessionId!)
  const expected = visitors.map(() => ({ before: 'hang' } as Record<string, string>))

  const pid = cluster.nodes[1]!.pid!
  process.kill(pid, 'SIGSTOP')
  t.after(() => { try { process.kill(pid, 'SIGCONT') } catch {} })
  await eventually(() => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('T'))
  const hungAt = Date.now()
  for (const [n, visitor] of visitors.entries()) {
    for (let i = 0; i < 2; i++) {
      assert.equal(await visitor.set(i === 0 ? a : b, `hung${i}`, String(n)), 303)
      expected[n]![`hung${i}`] = String(n)
    }
  }
  // The hang lasts 5 s in all (the scenario itself, not a wait for a condition).
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, 5000 - (Date.now() - hungAt))))
  process.kill(pid, 'SIGCONT')

  // Resumed with the records it held before the hang; writes go on through both instances.
  for (const [n, visitor] of visitors.entries()) {
    for (let i = 0; i < 2; i++) {
      assert.equal(await visitor.set(i === 0 ? b : a, `after${i}`, String(n)), 303)
      expected[n]![`after${i}`] = String(n)
    }
  }
  const count = await lost(t, visitors, expected, ids, [a, b], mc)
  t.diagnostic(`weight-3 node hung 5 s, then resumed: ${count} of ${visitors.length} sessions lost a write or changed id`)
  assert.equal(count, 0)
})

test('an ended session never returns: End session, then its home node killed, the old cookie loads nothing', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  const a = await startAppProcess(t, cluster)
  const b = await startAppProcess(t, cluster)
  const visitor = new HttpVisitor()
  assert.equal(await visitor.set(a, 'secret', 'x'), 303)
  const oldCookie = visitor.cookie
  const id = visitor.sessionId!
  assert.equal(await visitor.end(b), 303)

  await cluster.nodes[mc.nodeIndexFor(id)!]!.stop('SIGKILL')
  const replay = new HttpVisitor()
  replay.cookie = oldCookie
  for (const app of [a, b]) {
    const page = await replay.get(app)
    assert.equal(page.status, 200)
    assert.deepEqual({ ...page.data }, {})
    assert.notEqual(replay.sessionId, id)
    replay.cookie = oldCookie
  }
})
