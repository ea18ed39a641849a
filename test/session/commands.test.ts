// What a request costs in memcached commands, counted by memcached itself (`stats`).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, makeClient, startCluster, Visitor } from '../helper.ts'
import type { MemcacheClient } from '@memcache-session/client'

const COUNTERS = ['cmd_get', 'cmd_set', 'cmd_touch', 'delete_hits', 'delete_misses', 'incr_hits', 'incr_misses', 'decr_hits', 'decr_misses'] as const

async function commandTotals (mc: MemcacheClient): Promise<Record<string, number>> {
  const totals: Record<string, number> = Object.fromEntries(COUNTERS.map((c) => [c, 0]))
  for (let i = 0; i < mc.nodes.length; i++) {
    const stats = await mc.stats(i)
    for (const c of COUNTERS) totals[c]! += Number(stats[c])
  }
  return totals
}

/**
 * The commands `work` cost: reads (a get-and-touch: memcached counts a binary GAT as cmd_touch, a
 * meta `mg … T` as cmd_get when it misses and cmd_touch when it hits), sets (add, cas), the rest.
 */
async function commandsDuring (mc: MemcacheClient, work: () => Promise<unknown>): Promise<{ total: number, by: Record<string, number> }> {
  const before = await commandTotals(mc)
  await work()
  const after = await commandTotals(mc)
  const delta = (c: string) => after[c]! - before[c]!
  const by: Record<string, number> = {}
  const reads = delta('cmd_get') + delta('cmd_touch')
  if (reads) by.reads = reads
  for (const c of COUNTERS) if (c !== 'cmd_get' && c !== 'cmd_touch' && delta(c)) by[c] = delta(c)
  return { total: Object.values(by).reduce((a, b) => a + b, 0), by }
}

for (const copies of [1, 2]) {
  test(`with ${copies} ${copies === 1 ? 'copy' : 'copies'}: a first visit costs nothing, a page view ${copies} command${copies === 1 ? '' : 's'} in one round trip, an uncontended write one more`, async (t) => {
    const cluster = await startCluster(t)
    const app = await buildTestApp(t, cluster, { SESSION_REPLICAS: String(copies - 1) })
    const mc = makeClient(t, cluster)
    const visitor = new Visitor(app)

    const first = await commandsDuring(mc, () => visitor.get())
    assert.deepEqual(first, { total: 0, by: {} }) // lazy: nothing stored until the first change
    const unstored = await commandsDuring(mc, () => visitor.get())
    assert.deepEqual(unstored, { total: copies, by: { reads: copies } }) // back before any change: a get-and-touch per copy (misses)

    const firstWrite = await commandsDuring(mc, () => visitor.post({ action: 'set', key: 'first', val: 'v' }))
    assert.deepEqual(firstWrite, { total: 2 * copies, by: { reads: copies, cmd_set: copies } }) // get-and-touch (a miss), then add, on each copy

    const views = await commandsDuring(mc, async () => { for (let i = 0; i < 20; i++) await visitor.get() })
    assert.deepEqual(views, { total: 20 * copies, by: { reads: 20 * copies } }) // get-and-touch: read + slide in one, both copies at once

    const writes = await commandsDuring(mc, async () => {
      for (let i = 0; i < 10; i++) {
        const response = await visitor.post({ action: 'set', key: `k${i}`, val: 'v' })
        assert.equal(response.statusCode, 303)
      }
    })
    assert.deepEqual(writes, { total: 20 * copies, by: { reads: 10 * copies, cmd_set: 10 * copies } }) // get-and-touch + cas, on each copy

    const unchanged = await commandsDuring(mc, () => visitor.post({ action: 'set', key: 'k0', val: 'v' }))
    assert.equal(unchanged.total, copies) // same value again: nothing written
    const absent = await commandsDuring(mc, () => visitor.post({ action: 'del', key: 'nope' }))
    assert.equal(absent.total, copies)
  })
}
