// What this process asked of each memcached node lately, for the cluster page: requests per second
// and the 99th percentile of their durations over the last WINDOW_SECONDS, from the client's
// command:end messages (fed by the metrics' subscriber, metrics.ts). Prometheus's histograms count since the start, for a query to take rates
// of; a page shows "now", so this keeps a window: one slot per second, each a count per duration
// bucket (log-spaced, 4 per doubling: a p99 is read as its bucket's upper bound, at most 19% high).
// Memory is fixed: nodes × WINDOW_SECONDS × BUCKETS counters.
import type { MemcacheClient } from '@memcache-session/client'

export const WINDOW_SECONDS = 10
const SMALLEST_MS = 0.025
const STEPS_PER_DOUBLING = 4
/** 0.025 ms to ~1.6 s, then one bucket for anything longer. */
const BUCKETS = 16 * STEPS_PER_DOUBLING + 1

export interface NodeTraffic {
  /** Round trips per second over the window (a pipelined batch counts once). */
  perSecond: number
  /** 99% of the window's round trips took at most this long (ms); null with none. */
  p99Ms: number | null
  /** The round trips the figures are from. */
  count: number
}

export interface TrafficWindow {
  /** The figures of `pool`'s nodes (all its clients together), in the order of `client.nodes`; null for a pool not followed. */
  of (pool: string, client: MemcacheClient): NodeTraffic[] | null
  /** One round trip of `client` to `node` (host:port) took `ms`; ignored for a client not followed. */
  record (client: object, node: string, ms: number): void
}

function bucketOf (ms: number): number {
  if (ms <= SMALLEST_MS) return 0
  return Math.min(BUCKETS - 1, Math.ceil(Math.log2(ms / SMALLEST_MS) * STEPS_PER_DOUBLING))
}

const upperBoundMs = (bucket: number) => SMALLEST_MS * 2 ** (bucket / STEPS_PER_DOUBLING)

class NodeWindow {
  readonly #slots = Array.from({ length: WINDOW_SECONDS }, () => new Uint32Array(BUCKETS))
  /** The second (since the epoch) each slot holds. */
  readonly #seconds = new Float64Array(WINDOW_SECONDS)

  add (ms: number, nowMs: number): void {
    const second = Math.floor(nowMs / 1000)
    const index = second % WINDOW_SECONDS
    if (this.#seconds[index] !== second) {
      this.#slots[index]!.fill(0)
      this.#seconds[index] = second
    }
    this.#slots[index]![bucketOf(ms)]!++
  }

  read (nowMs: number): NodeTraffic {
    const now = Math.floor(nowMs / 1000)
    const counts = new Array<number>(BUCKETS).fill(0)
    let count = 0
    for (let i = 0; i < WINDOW_SECONDS; i++) {
      // The current second is still filling: the window is the last WINDOW_SECONDS whole ones and it.
      if (now - this.#seconds[i]! >= WINDOW_SECONDS) continue
      const slot = this.#slots[i]!
      for (let b = 0; b < BUCKETS; b++) {
        counts[b]! += slot[b]!
        count += slot[b]!
      }
    }
    let p99Ms: number | null = null
    if (count > 0) {
      const rank = Math.ceil(count * 0.99)
      let seen = 0
      for (let b = 0; b < BUCKETS; b++) {
        seen += counts[b]!
        if (seen >= rank) { p99Ms = upperBoundMs(b); break }
      }
    }
    return { perSecond: count / WINDOW_SECONDS, p99Ms, count }
  }
}

/** Follows the round trips of `pools` (several clients may make one pool: the playground's two). */
export function trafficWindow (pools: ReadonlyArray<{ name: string, client: MemcacheClient }>, clock: () => number = Date.now): TrafficWindow {
  const byPool = new Map<string, Map<string, NodeWindow>>()
  const byClient = new Map<object, Map<string, NodeWindow>>()
  for (const { name, client } of pools) {
    let nodes = byPool.get(name)
    if (!nodes) byPool.set(name, nodes = new Map())
    for (const node of client.nodes) if (!nodes.has(node.label)) nodes.set(node.label, new NodeWindow())
    byClient.set(client, nodes)
  }
  return {
    of (pool, client) {
      const nodes = byPool.get(pool)
      if (!nodes) return null
      const now = clock()
      return client.nodes.map((node) => nodes.get(node.label)?.read(now) ?? { perSecond: 0, p99Ms: null, count: 0 })
    },
    record (client, node, ms) {
      byClient.get(client)?.get(node)?.add(ms, clock())
    }
  }
}
