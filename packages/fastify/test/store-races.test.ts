// Two copies under racing writers from two clients (two app instances): every acknowledged change
// is in the final record, on both copies, round after round.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeClient, startCluster } from '../../../test/support/nodes.ts'
import { SessionStore, type StoredSession } from '../src/store.ts'
import { DEFAULT_LIMITS } from '../src/limits.ts'
import { newSessionId } from '../src/ids.ts'

test('40 racing writes from two instances, lazy first write included, 5 rounds: no change lost', async (t) => {
  const cluster = await startCluster(t)
  // What this test asks is whether a change is ever lost, not how fast 40 writers agree: a loaded
  // machine may take more compare-and-swap rounds than the default 20, or a request longer than
  // the default deadline, and neither is a lost change.
  const stores = [makeClient(t, cluster, { timeoutMs: 5000 }), makeClient(t, cluster, { timeoutMs: 5000 })]
    .map((mc) => new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS, casAttempts: 200 }))
  for (let round = 0; round < 5; round++) {
    const id = newSessionId()
    const unstored: StoredSession = { data: new Map(), copies: null }
    // Each writer read the session before any of them wrote (a lazy session: nothing stored yet).
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      stores[i % 2]!.update(id, unstored, (data) => { data.set(`k${i}`, String(i)); return true })))
    assert.ok(results.every((r) => r.written))
    const final = (await stores[0]!.load(id))!
    assert.deepEqual([...final.data.keys()].sort(), Array.from({ length: 40 }, (_, i) => `k${i}`).sort(), `round ${round}`)
    await final.copies!.repairing
    const [home, copy] = stores[0]!.targets(id)
    const items = await Promise.all([home!, copy!].map((node) => makeClient(t, cluster).onNode(node).getItem(id)))
    assert.equal(items[0]!.bytes.toString(), items[1]!.bytes.toString(), 'both copies hold the same record')
    assert.equal(items[0]!.flags, items[1]!.flags)
  }
})
