// TRUST_PROXY: which peers may speak for the client through X-Forwarded-For / -Proto / -Host.
// Only the proxies' own addresses can say that safely: Fastify then walks X-Forwarded-For from the
// right and stops at the first address that is not a trusted proxy, so entries a client writes
// itself (further left) never become `request.ip`.
//   - `true` (trust every hop) makes the left-most entry, which the client writes, its address:
//     rate limits and logs would take whatever the client says. Refused.
//   - A hop count cannot check that the peer is the proxy; Fastify 5 ignores it for that reason
//     (`trustProxy: <number>` trusts nothing), so accepting one would silently do nothing. Refused.
import { isIP } from 'node:net'

/** proxy-addr's named ranges, which Fastify accepts beside addresses and CIDRs. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal']

const WHY_NOT_TRUE = 'TRUST_PROXY=true would trust every hop, so any client could choose its own address by sending X-Forwarded-For (rate limits and logs would believe it): give the address or CIDR of the proxy in front instead, e.g. TRUST_PROXY=10.0.0.5 or TRUST_PROXY=10.0.0.0/24'
const WHY_NOT_HOPS = 'TRUST_PROXY takes the proxies\' addresses, not a hop count: a count cannot tell the proxy from a client that reaches the app directly (Fastify ignores it for that reason); e.g. TRUST_PROXY=10.0.0.5'

/** false (trust no one), or the proxies' addresses, CIDRs and named ranges, as Fastify's `trustProxy`. */
export function parseTrustProxy (raw: string | undefined): { value: false | string[], problem?: string } {
  const text = raw?.trim() ?? ''
  if (text === '' || text === 'false') return { value: false }
  if (text === 'true') return { value: false, problem: WHY_NOT_TRUE }
  if (/^\d+$/.test(text)) return { value: false, problem: WHY_NOT_HOPS }
  const entries = text.split(',').map((entry) => entry.trim()).filter(Boolean)
  const bad = entries.filter((entry) => !isProxyRange(entry))
  if (bad.length > 0) {
    return { value: false, problem: `TRUST_PROXY must be false or comma-separated proxy addresses, CIDRs or ${NAMED_RANGES.join('/')}; not ${bad.map((b) => `"${b}"`).join(', ')}` }
  }
  return { value: entries }
}

function isProxyRange (entry: string): boolean {
  if (NAMED_RANGES.includes(entry)) return true
  const [address, prefix, ...rest] = entry.split('/')
  const family = isIP(address!)
  if (family === 0 || rest.length > 0) return false
  if (prefix === undefined) return true
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128)
}
