// What the cluster page and /cluster.json show: each node's state from memcached's own `stats`,
// and how a sample of random keys spreads over the nodes under the app's own routing.
//
// Both are cached, because a page anyone can reload must not cost more than a session page view:
// the sample depends only on which nodes are alive, so it is computed once per set of live nodes;
// the stats are kept for a second (`statsMaxAgeMs`), concurrent requests share one fetch, and a
// change in node health (seen by any request) refetches at once.
import { randomBytes } from 'node:crypto'
import { crc32 } from 'node:zlib'
import type { MemcacheClient } from '@memcache-session/client'
import { nodeHealth } from '../observability/node-health.ts'
import type { NodeTraffic } from '../observability/node-traffic.ts'

export const SAMPLE_KEYS = 10_000
export const STATS_MAX_AGE_MS = 1_000
/** Only keys with this prefix (the playground's) are checked for presence: never session ids. */
export const LOOKUP_PREFIX = 'pg:'

export interface NodeOverview {
  index: number
  address: string
  /** How this app speaks to the node: 'binary' (memjs) or 'meta', and whether over TLS. */
  protocol: string
  tls: boolean
  weight: number
  /** weight / total weight: the share of keys the weights promise. */
  expectedShare: number
  /** The share of the sample routed here now (0 while the node is down). */
  sampleShare: number
  /** The client's node health (observability/node-health.ts), as /readyz and /metrics read it. */
  up: boolean
  error: string | null
  /** Since when it is down, and when the client probes it next (ms since the epoch); null while up (and nextProbeAt while a probe is on its way). */
  downSince: number | null
  nextProbeAt: number | null
  /** This process's round trips to the node lately (observability/node-traffic.ts); null with METRICS_PORT=off. */
  traffic: NodeTraffic | null
  version: string | null
  uptimeSeconds: number | null
  items: number | null
  bytes: number | null
  limitBytes: number | null
  hits: number | null
  misses: number | null
  evictions: number | null
}

export interface ClusterOverview {
  hashing: string
  sampleKeys: number
  /** python-memcached's bucket list (bucket index -> node), one entry per unit of weight; null with ketama. */
  buckets: number[] | null
  /** When memcached was asked (ms since the epoch): the stats are at most `statsMaxAgeMs` old. */
  fetchedAt: number
  nodes: NodeOverview[]
}

function numberOr (value: string | undefined): number | null {
  return value === undefined ? null : Number(value)
}

/** Which nodes are alive now, as a string of 0s and 1s: the sample and the stats are valid for one such set. */
export function liveNodes (client: MemcacheClient): string {
  return client.nodes.map((n) => (n.up ? '1' : '0')).join('')
}

/** Shares of `count` random 32-hex keys (session-id shaped) per node, under the client's routing. */
export function sampleShares (client: MemcacheClient, count = SAMPLE_KEYS): number[] {
  const counts = new Array<number>(client.nodes.length).fill(0)
  const bytes = randomBytes(16 * count)
  for (let i = 0; i < count; i++) {
    const node = client.nodeIndexFor(bytes.toString('hex', i * 16, i * 16 + 16))
    if (node !== null) counts[node]!++
  }
  return counts.map((c) => c / count)
}

type NodeStats = { stats: Record<string, string>, error: null } | { stats: null, error: string }

/** The figures of this process's round trips to each node, or null when nobody counts them. */
export type TrafficSource = () => NodeTraffic[] | null

async function fetchOverview (client: MemcacheClient, sample: (live: string) => number[], traffic: TrafficSource): Promise<{ overview: ClusterOverview, live: string }> {
  const fetchedAt = Date.now()
  const totalWeight = client.nodes.reduce((sum, n) => sum + n.address.weight, 0)
  // Ask every node first: a node that fails is marked dead, and the sample then routes around it.
  const stats: NodeStats[] = await Promise.all(client.nodes.map((_, i) => client.stats(i).then(
    (s) => ({ stats: s, error: null }),
    (error: Error) => ({ stats: null, error: error.message })
  )))
  const live = liveNodes(client)
  const shares = sample(live)
  const health = nodeHealth(client)
  const figures = traffic()
  const overview: ClusterOverview = {
    hashing: client.hashing,
    sampleKeys: SAMPLE_KEYS,
    buckets: client.hashing === 'modulo' ? [...client.buckets] : null,
    fetchedAt,
    nodes: client.nodes.map((node, index) => {
      const s = stats[index]!.stats
      return {
        index,
        address: node.label,
        protocol: node.transport.protocol,
        tls: node.transport.tls,
        weight: node.address.weight,
        expectedShare: node.address.weight / totalWeight,
        sampleShare: shares[index]!,
        up: health[index]!.up,
        error: health[index]!.error ?? stats[index]!.error,
        downSince: health[index]!.downSince,
        nextProbeAt: health[index]!.nextProbeAt,
        traffic: figures?.[index] ?? null,
        version: s?.version ?? null,
        uptimeSeconds: numberOr(s?.uptime),
        items: numberOr(s?.curr_items),
        bytes: numberOr(s?.bytes),
        limitBytes: numberOr(s?.limit_maxbytes),
        hits: numberOr(s?.get_hits),
        misses: numberOr(s?.get_misses),
        evictions: numberOr(s?.evictions)
      }
    })
  }
  return { overview, live }
}

export interface OverviewSource {
  /** The overview, from the cache while it is young and the live nodes are unchanged. */
  get (): Promise<ClusterOverview>
}

export function overviewSource (client: MemcacheClient, { statsMaxAgeMs = STATS_MAX_AGE_MS, sampleKeys = SAMPLE_KEYS, traffic = (() => null) as TrafficSource } = {}): OverviewSource {
  const samples = new Map<string, number[]>()
  function sample (live: string): number[] {
    let shares = samples.get(live)
    if (!shares) {
      if (samples.size >= 64) samples.clear() // a flapping node could otherwise grow this forever
      shares = sampleShares(client, sampleKeys)
      samples.set(live, shares)
    }
    return shares
  }

  let inFlight: Promise<ClusterOverview> | null = null
  let cached: { overview: ClusterOverview, live: string } | null = null
  return {
    get () {
      if (inFlight) return inFlight
      const now = Date.now()
      if (cached && now - cached.overview.fetchedAt < statsMaxAgeMs && liveNodes(client) === cached.live) {
        return Promise.resolve(cached.overview)
      }
      inFlight = fetchOverview(client, sample, traffic).then((result) => {
        cached = result
        return result.overview
      }).finally(() => { inFlight = null })
      return inFlight
    }
  }
}

export interface HashStep {
  /** What was hashed: the key itself, then python-memcached's re-hash input `String(hash) + attempt`. */
  input: string
  /** The full CRC-32 of the input's UTF-8 bytes (zlib.crc32). */
  crc32: number
  /** python-memcached's hash: (crc32 >> 16) & 0x7fff, or 1 if that is 0. */
  hash: number
  bucket: number
  server: number
}

export interface KeyLocation {
  key: string
  node: number | null
  address: string | null
  /** python-memcached's steps (input, crc32, hash, bucket, server), one more per dead node passed; empty with ketama. */
  steps: HashStep[]
  /** Where the key would live with every node up, when that differs (its node is down). */
  homeNode: number | null
  /** Whether memcached has the key now; null when the key is not a playground key (not asked). */
  present: boolean | null
}

/** The inputs python-memcached hashes for `key`: the key, then `String(previousHash) + attempt`. */
function withInputs (key: string, steps: Array<{ hash: number, bucket: number, server: number }>): HashStep[] {
  return steps.map((step, i) => {
    const input = i === 0 ? key : `${steps[i - 1]!.hash}${i - 1}`
    return { input, crc32: crc32(input), ...step }
  })
}

/**
 * Which node holds `key` now, and why. Whether memcached has it is asked only for playground keys
 * (`pg:`): for anything else, a session id above all, the page would be an existence oracle.
 * The value is never read out.
 */
export async function locateKey (client: MemcacheClient, key: string): Promise<KeyLocation> {
  const route = client.router.explain(key, (i) => client.nodes[i]!.up)
  const { node, home } = route
  const steps = withInputs(key, route.steps)
  let present: boolean | null = null
  if (node !== null && key.startsWith(LOOKUP_PREFIX)) {
    try {
      present = (await client.get(key)) !== undefined
    } catch (error) {
      present = (error as Error).name === 'ValueFormatError' // stored, but in a format we do not decode
    }
  }
  return { key, node, address: node === null ? null : client.nodes[node]!.label, steps, homeNode: home !== node ? home : null, present }
}
