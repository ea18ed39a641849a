// A token bucket per client: each key a playground command names costs one token; a client holds
// at most `perMinute` tokens and regains perMinute per minute. This bounds how fast one client can
// fill memcached, whatever sessions or forms it uses. Kept in this process's memory: with several
// app processes each one applies it (an operator multiplies the figure by their number).
import { isIPv6 } from 'node:net'

export interface RateDecision {
  allowed: boolean
  /** When refused: seconds until the cost fits again. */
  retryAfterSeconds: number
}

/** Buckets kept at most; past it the least recently seen client is forgotten (it gets a full bucket). */
const MAX_CLIENTS = 10_000

export class KeyRateLimiter {
  readonly perMinute: number
  readonly #buckets = new Map<string, { tokens: number, at: number }>()

  constructor (perMinute: number) {
    this.perMinute = perMinute
  }

  /** Takes `cost` tokens from `client`'s bucket when it has them. */
  take (client: string, cost: number, now = Date.now()): RateDecision {
    if (this.perMinute === 0) return { allowed: true, retryAfterSeconds: 0 }
    const perMs = this.perMinute / 60_000
    const bucket = this.#buckets.get(client)
    const tokens = bucket ? Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * perMs) : this.perMinute
    this.#buckets.delete(client) // re-inserted last: the Map's order is least recently seen first
    // A command dearer than the whole bucket runs on a full bucket and leaves a debt.
    const need = Math.min(cost, this.perMinute)
    const allowed = tokens >= need
    this.#buckets.set(client, { tokens: allowed ? tokens - cost : tokens, at: now })
    if (this.#buckets.size > MAX_CLIENTS) this.#buckets.delete(this.#buckets.keys().next().value!)
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.ceil((need - tokens) / perMs / 1000) }
  }
}

/** The bucket a request's address falls in: an IPv4 address, or an IPv6 /64 (one host's usual share). */
export function clientBucket (ip: string): string {
  if (!isIPv6(ip) || ip.startsWith('::ffff:')) return ip
  const groups = expandIPv6(ip)
  return `${groups.slice(0, 4).join(':')}::/64`
}

function expandIPv6 (ip: string): string[] {
  const [head, tail] = ip.split('::') as [string, string | undefined]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0')
  return [...left, ...zeros, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
}
