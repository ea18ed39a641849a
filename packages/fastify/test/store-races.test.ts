// Two copies under racing writers from two clients (two app instances): every acknowledged change
// is in the final record, on both copies, round after round.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { NodeDownError } from '@memcache-session/client'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { eventually, makeClient, startCluster } from '../../../test/support/nodes.ts'
import { startHoldRelay } from '../../../test/support/hold-relay.ts'
import { flagsFor } from '../src/record-version.ts'
import { SessionStore, type StoredSession } from '../src/store.ts'
import { DEFAULT_LIMITS } from '../src/limits.ts'
import { newSessionId } from '../src/ids.ts'

type Cluster = Awaited<ReturnType<typeof startCluster>>

/**
 * A first instance that took an id's second node for down a moment ago and will not probe it
 * during the test, so its pair for the id is home and the third node; an id with three nodes.
 */
function slidFirstInstance (t: TestContext, cluster: Cluster) {
  const first = makeClient(t, cluster, { probeMinMs: 60_000, probeMaxMs: 60_000 })
  let id = newSessionId()
  while (first.routeChain(id).length < 3) id = newSessionId()
  const [home, next, third] = first.routeChain(id) as [number, number, number]
  first.nodes[next]!.markDown('refused a moment ago')
  return { first, id, home, next, third }
}

/** The cluster's servers with `node` reached through a relay that can hold what is sent to it. */
async function heldAt (t: TestContext, cluster: Cluster, node: number) {
  const relay = await startHoldRelay(t, cluster.servers[node]!.port)
  return { relay, servers: cluster.servers.map((server, index) => index === node ? { ...server, port: relay.port } : server) }
}

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

test('two instances that disagree on a node: a change stored on one pair is kept by a writer that stored on the other', async (t) => {
  const cluster = await startCluster(t)
  // The second instance sees every node up.
  const { first, id, home, next, third } = slidFirstInstance(t, cluster)
  const second = makeClient(t, cluster)
  const [early, late] = [first, second].map((mc) => new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS }))
  assert.deepEqual(early!.targets(id), [home, third])
  assert.deepEqual(late!.targets(id), [home, next])

  // Both open the session lazily. The first stores on both its copies: done, with no conflict.
  // The second's add loses at home and stores on the next node, the same version: a tie, which
  // the larger bytes ({"b":…} > {"a":…}) would win, over a change already acknowledged.
  const unstored: StoredSession = { data: new Map(), copies: null }
  const a = await early!.update(id, unstored, (data) => { data.set('a', '1'); return true })
  const b = await late!.update(id, unstored, (data) => { data.set('b', '2'); return true })
  assert.ok(a.written && b.written)
  assert.deepEqual(Object.fromEntries(b.data), { a: '1', b: '2' }, 'the second change was applied on the first')
  for (const store of [late!, early!]) {
    const loaded = (await store.load(id))!
    await loaded.copies!.repairing
    assert.deepEqual(Object.fromEntries(loaded.data), { a: '1', b: '2' })
  }
})

test('a tie that two instances would serve differently: neither rewrites the other side, and a write builds on one and replaces both', async (t) => {
  const cluster = await startCluster(t)
  // The first instance saw the id's second node fail and come back (so it serves the record on
  // the node up longer); the second saw nothing (so it serves the larger bytes).
  const first = makeClient(t, cluster)
  const second = makeClient(t, cluster)
  const [one, two] = [first, second].map((mc) => new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS }))
  const id = newSessionId()
  const [home, next] = one!.targets(id) as [number, number]
  first.nodes[next]!.markDown('refused a moment ago')
  await eventually(() => first.nodes[next]!.up)
  const raw = makeClient(t, cluster)
  await raw.onNode(home).storeItem('set', id, Buffer.from('{"w":"a"}'), flagsFor(3), 60)
  await raw.onNode(next).storeItem('set', id, Buffer.from('{"w":"b"}'), flagsFor(3), 60)

  const reads = await Promise.all([one!.load(id), two!.load(id)])
  assert.deepEqual(reads.map((read) => read!.data.get('w')), ['a', 'b'], 'each instance serves its side')
  await Promise.all(reads.map((read) => read!.copies!.repairing))
  const held = async () => (await Promise.all([home, next].map((node) => raw.onNode(node).getItem(id)))).map((item) => item!.bytes.toString())
  assert.deepEqual(await held(), ['{"w":"a"}', '{"w":"b"}'], 'both sides as they were: no read rewrote one with the other')

  // No writer is left to settle it: a change waits, then builds on what its read serves, with the next version on both.
  const written = await one!.update(id, reads[0]!, (data) => { data.set('k', 'v'); return true })
  assert.ok(written.written)
  assert.deepEqual(await held(), ['{"w":"a","k":"v"}', '{"w":"a","k":"v"}'])
})

test('a third writer that meets a tie waits for a tied writer that is slow (its link to one node stalled for 300 ms): the change the other side acknowledged is kept', async (t) => {
  const cluster = await startCluster(t)
  // As above: the first instance took the id's second node for down and writes home and the
  // third node; the second sees every node up, its link to home through a relay that can stall.
  const { first, id, home } = slidFirstInstance(t, cluster)
  const { relay, servers } = await heldAt(t, cluster, home)
  const second = makeClient(t, cluster, { servers, timeoutMs: 2000 })
  // A third instance, every node up, direct links: the third writer.
  const third = makeClient(t, cluster, { timeoutMs: 2000 })
  const [early, late, other] = [first, second, third].map((mc) => new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS }))

  const unstored: StoredSession = { data: new Map(), copies: null }
  const a = await early!.update(id, unstored, (data) => { data.set('a', '1'); return true })
  assert.ok(a.written, 'done on home and the third node, no conflict')

  // The second writer's add loses at home and stores on the next node: a tie it is to settle.
  // Its link to home stalls from that conflict on, for 300 ms (under its 2 s deadline).
  let stalled!: () => void
  const conflicted = new Promise<void>((resolve) => { stalled = resolve })
  const onConflict = (message: unknown) => {
    if ((message as { store: object }).store !== late) return
    unsubscribe('memcache-session:session:conflict', onConflict)
    relay.hold()
    setTimeout(() => relay.release(), 300)
    stalled()
  }
  subscribe('memcache-session:session:conflict', onConflict)
  t.after(() => unsubscribe('memcache-session:session:conflict', onConflict))
  const b = late!.update(id, unstored, (data) => { data.set('b', '2'); return true })
  await conflicted

  // The third instance reads the tie (it serves the larger bytes: {"b":…}, without "a") and writes.
  const loaded = (await other!.load(id))!
  assert.equal(loaded.copies!.rivals.length, 1, 'a tie')
  const c = await other!.update(id, loaded, (data) => { data.set('c', '3'); return true })
  assert.ok(c.written && (await b).written)
  for (const store of [early!, late!, other!]) {
    const final = (await store.load(id))!
    await final.copies!.repairing
    assert.deepEqual([...final.data.keys()].sort(), ['a', 'b', 'c'], 'every acknowledged change is there')
  }
})

test('two instances that disagree on a node, and the second\'s link to home stalls while it settles a tie: its change fails, withdrawn, and the first\'s stays', async (t) => {
  const cluster = await startCluster(t)
  const { first, id, home } = slidFirstInstance(t, cluster)
  const { relay, servers } = await heldAt(t, cluster, home)
  const second = makeClient(t, cluster, { servers, timeoutMs: 200, probeMinMs: 20, probeMaxMs: 50 })
  const [early, late] = [first, second].map((mc) => new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS, tieWaitMs: 100 }))

  const unstored: StoredSession = { data: new Map(), copies: null }
  assert.ok((await early!.update(id, unstored, (data) => { data.set('a', '1'); return true })).written)
  // The second's add loses at home and stores on the next node; its reread of home then times
  // out, so it finds its own record the only one that answers, and counts it done.
  const onConflict = (message: unknown) => {
    if ((message as { store: object }).store !== late) return
    unsubscribe('memcache-session:session:conflict', onConflict)
    relay.hold()
  }
  subscribe('memcache-session:session:conflict', onConflict)
  t.after(() => unsubscribe('memcache-session:session:conflict', onConflict))
  // What it lost to at home is unknown, so its own record (on the next node) is withdrawn and
  // the change fails as a write whose node did not answer does (a 503 in the app).
  await assert.rejects(late!.update(id, unstored, (data) => { data.set('b', '2'); return true }), NodeDownError)
  relay.release()
  await eventually(() => second.nodes[home]!.up)

  // Home back in the second's eyes: no tie is left, and its next change builds on the first's.
  const loaded = (await late!.load(id))!
  const c = await late!.update(id, loaded, (data) => { data.set('c', '3'); return true })
  assert.ok(c.written)
  for (const store of [early!, late!]) {
    const final = (await store.load(id))!
    await final.copies!.repairing
    assert.deepEqual([...final.data.keys()].sort(), ['a', 'c'], 'every acknowledged change is there, and only those')
  }
})
