import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { cmemcacheHash, routeChain, routeKey, routeSteps, weightedBuckets } from '../src/routing.ts'

// Made by the real python-memcached 1.59: test/fixtures/README.md.
const spec = new URL('../../../test/fixtures/vectors/', import.meta.url)
const routing: Array<{ key: string, server_index: number, hash: number }> = JSON.parse(readFileSync(new URL('python-memcached-routing.json', spec), 'utf8'))
const failover: { scenarios: Array<{ dead_server_indexes: number[], results: Array<{ key: string, server_index: number | null }> }> } =
  JSON.parse(readFileSync(new URL('python-memcached-failover.json', spec), 'utf8'))
const buckets = weightedBuckets([4, 3, 1, 2])

test('weights expand to python-memcached buckets', () => {
  assert.deepEqual(buckets, [0, 0, 0, 0, 1, 1, 1, 2, 3, 3])
})

test('hash matches the spec examples, including the zero case', () => {
  assert.equal(cmemcacheHash('k'), 2146)
  assert.equal(cmemcacheHash('zero5221'), 1)
  assert.equal(cmemcacheHash('110570'), 1776)
})

test(`agrees with python-memcached on all ${routing.length} routing vectors`, () => {
  assert.ok(routing.length >= 40)
  for (const v of routing) {
    assert.equal(cmemcacheHash(v.key), v.hash, `hash of ${v.key}`)
    assert.equal(routeKey(v.key, buckets), v.server_index, `server of ${v.key}`)
    const { steps, server } = routeSteps(v.key, buckets)
    assert.equal(server, v.server_index, `routeSteps: server of ${v.key}`)
    assert.deepEqual(steps, [{ hash: v.hash, bucket: v.hash % buckets.length, server: v.server_index }])
  }
})

test('agrees with python-memcached when servers are down', () => {
  assert.equal(failover.scenarios.length, 4)
  for (const scenario of failover.scenarios) {
    const dead = new Set(scenario.dead_server_indexes)
    for (const r of scenario.results) {
      assert.equal(routeKey(r.key, buckets, (i) => !dead.has(i)), r.server_index, `${r.key} with ${[...dead]} down`)
      const { steps, server } = routeSteps(r.key, buckets, (i) => !dead.has(i))
      assert.equal(server, r.server_index, `routeSteps: ${r.key} with ${[...dead]} down`)
      assert.ok(steps.slice(0, -1).every((step) => dead.has(step.server)), 'every step before the last hit a dead server')
      // The route chain is where the key may live: its first live node is python-memcached's pick.
      const chain = routeChain(r.key, buckets)
      assert.equal(new Set(chain).size, chain.length)
      assert.equal(chain.find((i) => !dead.has(i)) ?? null, r.server_index, `routeChain: ${r.key} with ${[...dead]} down`)
    }
  }
})

test('routeSteps explains the rehash: key5 moves from server 2 to server 1', () => {
  const { steps, server } = routeSteps('key5', buckets, (i) => i !== 2)
  assert.equal(server, 1)
  assert.deepEqual(steps.map((s) => s.hash), [11057, 1776])
  assert.deepEqual(steps.map((s) => s.server), [2, 1])
})
