// What the bounded append stands on: memcached checks a CAS token on append and prepend too.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeClient, startCluster } from '../helper.ts'
import { concatWithinLimit } from '../../server/playground/bounded-append.ts'
import { MAX_VALUE_BYTES } from '../../server/playground/input.ts'

test('append/prepend with a stale CAS token are refused; with the current one they apply', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  await mc.set('k', 'ab')
  const raw = (await mc.getsRaw('k'))!
  assert.deepEqual([raw.bytes.toString(), raw.flags], ['ab', 16])
  await mc.set('k', 'cd')
  assert.equal(await mc.append('k', 'x', raw.cas), false)
  assert.equal(await mc.prepend('k', 'x', raw.cas), false)
  assert.equal(await mc.get('k'), 'cd')
  const fresh = (await mc.getsRaw('k'))!
  assert.equal(await mc.prepend('k', '<', fresh.cas), true)
  assert.equal(await mc.get('k'), '<cd')
  assert.equal(await mc.getsRaw('missing'), undefined)
})

test('concatWithinLimit stops at the limit and answers False for a missing key', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  assert.equal(await concatWithinLimit(mc, 'append', 'missing', 'x'), false)
  await mc.set('k', 'x'.repeat(MAX_VALUE_BYTES - 1))
  assert.equal(await concatWithinLimit(mc, 'prepend', 'k', 'y'), true)
  await assert.rejects(concatWithinLimit(mc, 'append', 'k', 'z'), /would be 65537 bytes/)
  assert.equal((await mc.getsRaw('k'))!.bytes.length, MAX_VALUE_BYTES)
})
