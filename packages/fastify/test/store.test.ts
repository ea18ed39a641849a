// SessionStore on its own, against a real node: what happens when every compare-and-swap loses.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeClient, startCluster } from '../../../test/support/nodes.ts'
import { SessionStore } from '../src/store.ts'
import { SessionConflictError } from '../src/errors.ts'
import { DEFAULT_LIMITS } from '../src/limits.ts'
import { newSessionId } from '../src/ids.ts'

test('a change that keeps losing the compare-and-swap gives up with a 409 and writes nothing', async (t) => {
  const cluster = await startCluster(t, [1])
  const mc = makeClient(t, cluster)
  const store = new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS, casAttempts: 3 })
  const id = newSessionId()
  assert.equal(await store.create(id), true)
  const loaded = (await store.load(id))!

  let attempts = 0
  const otherWrites: Array<Promise<unknown>> = []
  const change = (data: Map<string, unknown>) => {
    attempts++
    // Another writer gets in first every time: its set leaves on the connection before our cas.
    otherWrites.push(mc.set(id, JSON.stringify({ other: String(attempts) }), 60))
    data.set('mine', 'x')
    return true
  }
  await assert.rejects(store.update(id, loaded, change), (error: unknown) => error instanceof SessionConflictError && error.statusCode === 409)
  await Promise.all(otherWrites)
  assert.equal(attempts, 3)
  assert.equal(await mc.get(id), '{"other":"3"}') // the other writer's value, not ours
})

test('a record left on another node of its route chain is brought home by the next miss, once', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  const store = new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS })
  const id = newSessionId()
  const [home, fallback] = mc.routeChain(id)
  // As if written while the home node was down: the record is on the fallback node only.
  await mc.onNode(fallback!).add(id, '{"made":"elsewhere"}', 60)

  const loaded = await store.load(id)
  assert.deepEqual(Object.fromEntries(loaded!.data), { made: 'elsewhere' })
  assert.equal((await mc.onNode(home!).gets(id))?.value, '{"made":"elsewhere"}')
  assert.equal(await mc.onNode(fallback!).gets(id), undefined, 'the old copy is gone')
  // Home now: the next load is one command again.
  const before = mc.roundTrips
  assert.ok(await store.load(id))
  assert.equal(mc.roundTrips - before, 1)
})

test('a record already at home wins over an older copy elsewhere', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  const store = new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS })
  const id = newSessionId()
  const [home, fallback] = mc.routeChain(id)
  await mc.onNode(fallback!).add(id, '{"v":"old"}', 60)
  await mc.onNode(home!).add(id, '{"v":"new"}', 60)
  assert.deepEqual(Object.fromEntries((await store.load(id))!.data), { v: 'new' })
})

test('an ended session is deleted on every node of its chain; with a node unreachable, an end mark keeps its copy from coming back', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  const store = new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS })

  const id = newSessionId()
  const chain = mc.routeChain(id)
  for (const index of chain) await mc.onNode(index).add(id, '{"k":"v"}', 60)
  await store.destroy(id)
  for (const index of chain) assert.equal(await mc.onNode(index).gets(id), undefined, `node ${index}`)
  assert.equal(await store.load(id), undefined)

  // A copy on a node that is down while the session ends, back afterwards.
  const other = newSessionId()
  const [home, fallback] = mc.routeChain(other)
  await mc.onNode(fallback!).add(other, '{"k":"stale"}', 60)
  await cluster.nodes[fallback!]!.stop('SIGKILL')
  await store.destroy(other)
  await cluster.nodes[fallback!]!.start()
  await mc.onNode(fallback!).add(other, '{"k":"stale"}', 60) // what the node held (a restart empties it)
  assert.equal(await store.load(other), undefined, 'not brought back')
  assert.notEqual(home, fallback)
})
