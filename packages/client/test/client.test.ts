// Every command of the client against four real memcached processes (weights 4,3,1,2).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startCluster, makeClient } from '../../../test/support/nodes.ts'
import { countRoundTrips } from '../../../test/support/round-trips.ts'
import { InvalidKeyError, ValueTooLargeError } from '../src/errors.ts'

test('the tutorial API on a live cluster', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  const trips = countRoundTrips(t, mc)

  await t.test('set / get, with text, integers and bytes', async () => {
    assert.equal(await mc.set('k1', 'v1'), true)
    assert.equal(await mc.get('k1'), 'v1')
    await mc.set('n', 42)
    assert.equal(await mc.get('n'), 42)
    await mc.set('b', Buffer.from([0, 1, 255]))
    assert.deepEqual(await mc.get('b'), Buffer.from([0, 1, 255]))
    await mc.set('big', 2n ** 62n)
    assert.equal(await mc.get('big'), 2n ** 62n)
    assert.equal(await mc.get('missing'), undefined)
  })

  await t.test('add is refused when the key exists, replace when it does not', async () => {
    assert.equal(await mc.add('k1', 'other'), false)
    assert.equal(await mc.add('fresh', 'a'), true)
    assert.equal(await mc.replace('nope', 'x'), false)
    assert.equal(await mc.replace('fresh', 'b'), true)
    assert.equal(await mc.get('fresh'), 'b')
  })

  await t.test('append and prepend put bytes on the right side (memjs prepend appends)', async () => {
    await mc.set('s', 'b')
    assert.equal(await mc.append('s', 'c'), true)
    assert.equal(await mc.prepend('s', 'a'), true)
    assert.equal(await mc.get('s'), 'abc')
    assert.equal(await mc.append('absent', 'x'), false)
  })

  await t.test('incr and decr follow memcached rules, past 2^32', async () => {
    await mc.set('c', 10)
    assert.equal(await mc.incr('c'), 11)
    assert.equal(await mc.incr('c', 5), 16)
    assert.equal(await mc.decr('c', 100), 0) // floors at 0
    await mc.set('c64', 5000000000)
    assert.equal(await mc.incr('c64', 1), 5000000001) // memjs reads 705032961 here
    assert.equal(await mc.incr('no-counter'), undefined)
    assert.equal(await mc.decr('no-counter'), undefined)
  })

  await t.test('delete says whether the key was there', async () => {
    assert.equal(await mc.delete('k1'), true)
    assert.equal(await mc.delete('k1'), false)
    assert.equal(await mc.get('k1'), undefined)
  })

  await t.test('set_multi / get_multi / delete_multi across all nodes, one round trip per node', async () => {
    const entries = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`multi${i}`, `value${i}`]))
    const nodesUsed = new Set(Object.keys(entries).map((k) => mc.nodeIndexFor(k)))
    assert.equal(nodesUsed.size, 4)

    let before = trips.count
    assert.deepEqual(await mc.setMulti(entries), [])
    assert.equal(trips.count - before, 4)

    before = trips.count
    const found = await mc.getMulti([...Object.keys(entries), 'not-there'])
    assert.equal(trips.count - before, 4)
    assert.equal(found.size, 100)
    assert.equal(found.get('multi7'), 'value7')
    assert.equal(found.has('not-there'), false)

    assert.equal(await mc.deleteMulti(Object.keys(entries).slice(0, 50)), true)
    assert.equal((await mc.getMulti(Object.keys(entries))).size, 50)
  })

  await t.test('set_multi reports the keys that were not stored', async () => {
    // An item larger than the node's limit passes our check (limit raised) but not memcached's.
    const loose = makeClient(t, cluster, { maxValueBytes: 4 * 1024 * 1024 })
    const entries: Array<[string, string | Buffer]> = [['ok1', 'a'], ['huge', Buffer.alloc(2 * 1024 * 1024)], ['ok2', 'b']]
    // Over TLS memcached drops the connection after refusing the item, so the keys batched with it
    // on that node are reported too: their outcome is unknown.
    const expected = loose.nodes[0]!.transport.tls ? entries.filter(([key]) => loose.nodeIndexFor(key) === loose.nodeIndexFor('huge')).map(([key]) => key) : ['huge']
    const failed = await loose.setMulti(entries)
    assert.deepEqual(failed.sort(), expected.sort())
    assert.equal(await loose.get('ok2'), 'b')
  })

  await t.test('gets / cas: the first writer wins, the second is refused', async () => {
    await mc.set('n', 1)
    const first = await mc.gets('n')
    const second = await mc.gets('n')
    assert.ok(first && second)
    assert.equal(await mc.cas('n', 100, first.cas), true)
    assert.equal(await mc.cas('n', 200, second.cas), false)
    assert.equal(await mc.get('n'), 100)
    assert.equal(await mc.compareAndSwap('gone', 1, first.cas), 'not-found')
  })

  await t.test('ttl: an expiry of 0 overrides nothing and keeps the value; a short one lets it go', async () => {
    // 2, not 1: memcached's clock ticks in whole seconds, so a TTL of 1 can be gone at once.
    await mc.set('short', 'x', 2)
    await mc.set('forever', 'y', 0)
    assert.equal(await mc.get('short'), 'x')
    // memcached's clock ticks in whole seconds: wait for the item's expiry by polling, not sleeping blindly.
    const start = Date.now()
    while (await mc.get('short') !== undefined) {
      assert.ok(Date.now() - start < 5000, 'item did not expire')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    assert.equal(await mc.get('forever'), 'y')
  })

  await t.test('touch and get-and-touch extend the expiry in one round trip', async () => {
    // Not a TTL of 1: memcached's clock may tick right after the set, and then the item is gone.
    await mc.set('gat', 'v', 60)
    const before = trips.count
    const got = await mc.getAndTouch('gat', 100)
    assert.equal(trips.count - before, 1)
    assert.deepEqual(trips.commands.slice(before), ['gat'])
    assert.equal(got?.value, 'v')
    assert.ok(got.cas.length === 8)
    assert.equal(await mc.touch('gat', 100), true)
    assert.equal(await mc.touch('absent', 100), false)
    assert.equal(await mc.getAndTouch('absent', 100), undefined)
    const stats = await mc.stats(mc.nodeIndexFor('gat')!)
    assert.ok(Number(stats.cmd_touch) >= 2)
  })

  await t.test('bad keys and values are refused before anything is sent', async () => {
    const before = trips.count
    await assert.rejects(mc.set('has space', 'v'), InvalidKeyError)
    await assert.rejects(mc.set('line\n', 'v'), /control/)
    await assert.rejects(mc.get(''), /empty/)
    await assert.rejects(mc.get('x'.repeat(251)), /251 bytes/)
    await assert.rejects(mc.get('é'.repeat(126)), /252 bytes/)
    await assert.rejects(mc.set('v', 'x'.repeat(2 * 1024 * 1024)), ValueTooLargeError)
    assert.equal(trips.count, before)
    assert.equal(await mc.set('é'.repeat(125), 'ok'), true)
  })
})
