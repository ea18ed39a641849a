// The session layer's diagnostics channels (src/diagnostics.ts), against real memcached: each
// event comes when its thing happens, and no message carries the session's id.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { makeClient, startCluster } from '../../../test/support/nodes.ts'
import { SessionStore } from '../src/store.ts'
import { DEFAULT_LIMITS } from '../src/limits.ts'
import { newSessionId } from '../src/ids.ts'

const NAMES = ['open', 'read', 'write', 'write-failed', 'conflict', 'repair', 'end'] as const

/** Every session event `store` publishes while the test runs, as [name, message without `store`]. */
function record (t: TestContext, store: object): Array<[string, Record<string, unknown>]> {
  const seen: Array<[string, Record<string, unknown>]> = []
  for (const name of NAMES) {
    const listener = (message: unknown) => {
      const { store: from, ...rest } = message as { store: object }
      if (from === store) seen.push([name, rest])
    }
    subscribe(`memcache-session:session:${name}`, listener)
    t.after(() => unsubscribe(`memcache-session:session:${name}`, listener))
  }
  return seen
}

test('a create, a read of two copies, a read of one copy and its repair, a CAS conflict: each published, never the id', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  const store = new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS })
  const events = record(t, store)
  const id = newSessionId()

  assert.ok(await store.create(id, new Map([['k', 'v']])))
  assert.deepEqual(events.at(-1), ['write', { created: true, attempts: 1, copies: 2, bytes: 9 }])

  const loaded = (await store.load(id))!
  assert.deepEqual(events.at(-1), ['read', { result: 'found', copies: 2, wanted: 2, unreachable: 0 }])

  // The copy lost (as by a restart): read from home alone, the copy rewritten.
  const [, copy] = store.targets(id)
  await mc.onNode(copy!).delete(id)
  const once = (await store.load(id))!
  assert.ok(await once.copies!.repairing)
  assert.deepEqual(events.slice(-2), [['read', { result: 'found', copies: 1, wanted: 2, unreachable: 0 }], ['repair', { kind: 'lagging', outcome: 'stored' }]])

  // Another write got in since `loaded` was read: our compare-and-swap loses, then lands on top.
  await store.update(id, once, (data) => { data.set('other', '1'); return true })
  const events0 = events.length
  const result = await store.update(id, loaded, (data) => { data.set('mine', '1'); return true })
  assert.equal(result.written, true)
  const after = events.slice(events0)
  assert.deepEqual(after.filter(([name]) => name === 'conflict'), [['conflict', { attempt: 1 }]])
  assert.deepEqual(after.at(-1)![0], 'write')
  assert.equal(after.at(-1)![1].attempts, 2)

  assert.equal(await store.load(newSessionId()), undefined)
  assert.deepEqual(events.at(-1), ['read', { result: 'missing', copies: 0, wanted: 2, unreachable: 0 }])

  for (const [, message] of events) assert.ok(!JSON.stringify(message).includes(id))
})
