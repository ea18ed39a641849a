// The cache of keyed hashes: computed once per key while held, never more than its capacity.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BoundedCache } from '../src/bounded-cache.ts'

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
