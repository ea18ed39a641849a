// Key-to-node routing, exactly as python-memcached 1.59 does it, so that this port and the
// Python original put every key on the same node of a shared cluster.
// Checked against vectors the real library produced: test/fixtures/vectors/python-memcached-*.json.
import { crc32 } from 'node:zlib'

/** How many times python-memcached re-hashes past dead servers before giving up (`_SERVER_RETRIES`). */
export const SERVER_RETRIES = 10

/**
 * python-memcached's `cmemcache_hash`: bits 16..30 of the CRC-32 of the key's UTF-8 bytes,
 * with 0 mapped to 1 (results run from 1 to 32767).
 */
export function cmemcacheHash (key: string | Buffer): number {
  return ((crc32(key) >>> 16) & 0x7fff) || 1
}

/** Each server index repeated `weight` times, in list order: weights [4,3,1,2] give [0,0,0,0,1,1,1,2,3,3]. */
export function weightedBuckets (weights: readonly number[]): number[] {
  const buckets: number[] = []
  weights.forEach((weight, index) => {
    for (let i = 0; i < weight; i++) buckets.push(index)
  })
  return buckets
}

export interface RouteStep {
  hash: number
  bucket: number
  server: number
}

/**
 * The servers python-memcached tries for `key`, in order, until one is alive: the first step is
 * the key's own bucket; each later one re-hashes `String(previousHash) + attempt`. At most
 * SERVER_RETRIES steps; `isAlive` decides when to stop. Returns every step taken (for the
 * cluster page's "why this node" answer); the last one is the chosen server unless none was alive.
 */
export function routeSteps (
  key: string | Buffer,
  buckets: readonly number[],
  isAlive: (server: number) => boolean = () => true
): { steps: RouteStep[], server: number | null } {
  const steps: RouteStep[] = []
  let hash = cmemcacheHash(key)
  for (let attempt = 0; attempt < SERVER_RETRIES; attempt++) {
    const bucket = hash % buckets.length
    const server = buckets[bucket]!
    steps.push({ hash, bucket, server })
    if (isAlive(server)) return { steps, server }
    hash = cmemcacheHash(`${hash}${attempt}`)
  }
  return { steps, server: null }
}

/**
 * Every server the steps visit with all of them taken for dead, distinct, in order: where a key
 * may live (its home first). The same walk as routeSteps, without recording it: a page view
 * asks for it once.
 */
export function routeChain (key: string | Buffer, buckets: readonly number[]): number[] {
  const chain: number[] = []
  let hash = cmemcacheHash(key)
  for (let attempt = 0; attempt < SERVER_RETRIES; attempt++) {
    const server = buckets[hash % buckets.length]!
    if (!chain.includes(server)) chain.push(server)
    hash = cmemcacheHash(`${hash}${attempt}`)
  }
  return chain
}

/** The index of the server that holds `key`, or null when every attempt hit a dead server. */
export function routeKey (
  key: string | Buffer,
  buckets: readonly number[],
  isAlive: (server: number) => boolean = () => true
): number | null {
  if (buckets.length === 1) return isAlive(buckets[0]!) ? buckets[0]! : null
  let hash = cmemcacheHash(key)
  for (let attempt = 0; attempt < SERVER_RETRIES; attempt++) {
    const server = buckets[hash % buckets.length]!
    if (isAlive(server)) return server
    hash = cmemcacheHash(`${hash}${attempt}`)
  }
  return null
}
