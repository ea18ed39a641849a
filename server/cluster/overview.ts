// What the cluster page and /cluster.json show: each node's state from memcached's own `stats`,
// and how a sample of random keys spreads over the nodes under the app's own routing.
import { randomBytes } from 'node:crypto'
import type { MemcacheClient } from '../memcache/client.ts'
import { routeSteps, type RouteStep } from '../memcache/routing.ts'

export const SAMPLE_KEYS = 10_000

export interface NodeOverview {
  index: number
  address: string
  weight: number
  /** weight / total weight: the share of keys the weights promise. */
  expectedShare: number
  /** The share of the sample routed here now (0 while the node is down). */
  sampleShare: number
  up: boolean
  error: string | null
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
  nodes: NodeOverview[]
}

function numberOr (value: string | undefined): number | null {
  return value === undefined ? null : Number(value)
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

export async function clusterOverview (client: MemcacheClient): Promise<ClusterOverview> {
  const totalWeight = client.nodes.reduce((sum, n) => sum + n.address.weight, 0)
  // Ask every node first: a node that fails is marked dead, and the sample then routes around it.
  const stats = await Promise.all(client.nodes.map((_, i) => client.stats(i).then(
    (s) => ({ stats: s, error: null }),
    (error: Error) => ({ stats: null, error: error.message })
  )))
  const shares = sampleShares(client)
  return {
    hashing: client.hashing,
    sampleKeys: SAMPLE_KEYS,
    nodes: client.nodes.map((node, index) => {
      const s = stats[index]!.stats
      return {
        index,
        address: node.label,
        weight: node.address.weight,
        expectedShare: node.address.weight / totalWeight,
        sampleShare: shares[index]!,
        up: s !== null,
        error: stats[index]!.error,
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
}

export interface KeyLocation {
  key: string
  node: number | null
  address: string | null
  /** python-memcached's steps (hash, bucket, server), one more per dead node passed; empty with ketama. */
  steps: RouteStep[]
  /** Where the key would live with every node up, when that differs (its node is down). */
  homeNode: number | null
  present: boolean
}

/** Which node holds `key` now, why, and whether memcached has it (its value is not read out). */
export async function locateKey (client: MemcacheClient, key: string): Promise<KeyLocation> {
  const node = client.nodeIndexFor(key)
  const now = Date.now()
  const steps = client.hashing === 'modulo' ? routeSteps(key, client.buckets, (i) => client.nodes[i]!.isAlive(now)).steps : []
  const home = client.hashing === 'modulo' ? steps[0]!.server : node
  let present = false
  if (node !== null) {
    try {
      present = (await client.get(key)) !== undefined
    } catch (error) {
      present = (error as Error).name === 'ValueFormatError' // stored, but in a format we do not decode
    }
  }
  return { key, node, address: node === null ? null : client.nodes[node]!.label, steps, homeNode: home !== node ? home : null, present }
}
