// Kept keyed hashes: computed once per key while held, never more than the capacity; and the cookie verdicts kept with them.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BoundedCache } from '../src/bounded-cache.ts'
import { cookieFormat } from '../src/cookie-format.ts'

test('a value is made once while it is held; past the capacity the oldest goes first', () => {
  const made: string[] = []
  const cache = new BoundedCache<string, string>(2)
  const get = (key: string) => cache.get(key, (k) => { made.push(k); return k.toUpperCase() })
  assert.equal(get('a'), 'A')
  assert.equal(get('a'), 'A')
  assert.equal(get('b'), 'B')
  assert.deepEqual(made, ['a', 'b'])
  assert.equal(get('c'), 'C') // drops a, the oldest
  assert.equal(cache.size, 2)
  assert.equal(get('b'), 'B')
  assert.equal(get('a'), 'A')
  assert.deepEqual(made, ['a', 'b', 'c', 'a'])
  assert.throws(() => new BoundedCache(0), /capacity must be a positive whole number/)
})

test('a verified fastify cookie is kept; a forged one is checked every time and never kept', () => {
  const format = cookieFormat('fastify', 'uc', ['a-secret-that-is-long-enough-0123456789', 'an-older-secret-that-is-long-enough-012'])
  const value = format.write({ id: 'a'.repeat(32), createdAt: 1_700_000_000, stored: true })
  const signed = format.signer.sign(value)
  const first = format.signer.unsign(signed)
  assert.deepEqual({ ...first }, { valid: true, renew: false, value })
  const again = format.signer.unsign(signed)
  assert.deepEqual({ ...again }, { valid: true, renew: false, value }, 'the second time, the kept verdict')
  again.value = 'changed by the app'
  assert.equal(format.signer.unsign(signed).value, value, 'each request gets a copy of it')
  const forged = signed.slice(0, -1) + (signed.endsWith('A') ? 'B' : 'A')
  for (let i = 0; i < 2; i++) assert.deepEqual({ ...format.signer.unsign(forged) }, { valid: false, renew: false, value: null })
  // Signed under the older secret: valid, and to be re-signed, also when kept.
  const old = cookieFormat('fastify', 'uc', ['an-older-secret-that-is-long-enough-012']).signer.sign(value)
  for (let i = 0; i < 2; i++) assert.deepEqual({ ...format.signer.unsign(old) }, { valid: true, renew: true, value })
})
