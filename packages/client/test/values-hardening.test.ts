// Issue 21, hardening: values another client left in the cluster. A compressed value (flag 8)
// inflates at most MAX_INFLATED_BYTES (a zip bomb under a session id is refused, not inflated to
// a gigabyte), and get_multi raises on a value it cannot read, as python-memcached does, instead
// of dropping it (and the other keys of its node) silently.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { deflateSync } from 'node:zlib'
import { startCluster, makeClient } from '../../../test/support/nodes.ts'
import { FLAG_COMPRESSED, FLAG_INTEGER, FLAG_TEXT, MAX_INFLATED_BYTES, type MemcacheClient, ValueFormatError } from '../src/index.ts'

/** Stores raw bytes with raw flags where `key` routes, as another client (python-memcached) would. */
async function plant (mc: MemcacheClient, key: string, bytes: Buffer, flags: number): Promise<void> {
  const node = mc.nodes[mc.nodeIndexFor(key)!]!
  const { outcome } = await node.call((t) => t.store('set', Buffer.from(key), bytes, flags, 0))
  assert.equal(outcome, 'stored')
}

test('a compressed value is inflated up to the cap; a zip bomb or a corrupt stream is a ValueFormatError', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  await plant(mc, 'zipped', deflateSync(Buffer.from('hello '.repeat(1000))), FLAG_COMPRESSED | FLAG_TEXT)
  assert.equal(await mc.get('zipped'), 'hello '.repeat(1000))
  // 64 MiB of zeros deflate to about 64 KiB: well inside an item, eight times the cap once inflated.
  await plant(mc, 'bomb', deflateSync(Buffer.alloc(64 * 1024 * 1024)), FLAG_COMPRESSED | FLAG_TEXT)
  await assert.rejects(mc.get('bomb'), (error: Error) => error instanceof ValueFormatError && new RegExp(`inflates past ${MAX_INFLATED_BYTES} bytes`).test(error.message))
  await plant(mc, 'garbage', Buffer.from('not zlib at all'), FLAG_COMPRESSED | FLAG_TEXT)
  await assert.rejects(mc.get('garbage'), ValueFormatError)
})

test('get_multi raises on a corrupt integer value, as python-memcached does', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  await mc.set('fine', 'yes')
  await plant(mc, 'count', Buffer.from('twelve'), FLAG_INTEGER)
  await assert.rejects(mc.getMulti(['fine', 'count']), (error: Error) => error instanceof ValueFormatError && /integer-flagged value is not a number: "twelve"/.test(error.message))
  await plant(mc, 'count', Buffer.from('12'), FLAG_INTEGER)
  assert.deepEqual(await mc.getMulti(['fine', 'count', 'absent']), new Map<string, unknown>([['fine', 'yes'], ['count', 12]]))
})
