// The client's options, checked once in the constructor (undici's way): every bad option throws
// InvalidArgumentError naming the option, so a typo fails at start rather than at the first
// request; defaults go into a new object, the caller's is never changed.
import type { ConnectionOptions } from 'node:tls'
import { InvalidArgumentError } from './errors.ts'
import type { Hashing } from './ketama.ts'
import type { NodeAddress } from './node.ts'
import { metaTransport } from './meta/transport.ts'
import type { TransportFactory } from './transport.ts'
import { DEFAULT_MAX_VALUE_BYTES } from './values.ts'

export interface ClientOptions {
  /** The nodes, in order (the order is part of the routing): host, port and a positive whole weight. */
  servers: readonly NodeAddress[]
  /** Deadline of one request to one node, in ms (default 500). */
  timeoutMs?: number
  /** A failed node is probed in the background, first after this long (default 100 ms)... */
  probeMinMs?: number
  /** ...then at doubling intervals up to this one (default 1000 ms), and used again as soon as it answers. */
  probeMaxMs?: number
  /** The largest value accepted, in bytes (default: memcached's 1 MiB item less its headers). */
  maxValueBytes?: number
  /** 'modulo' (default): python-memcached's selection, shared with the Python original; 'ketama': consistent hashing. */
  hashing?: Hashing
  /**
   * How each node is spoken to: `metaTransport` (default: the meta protocol over TCP or TLS), or
   * `binaryTransport` from '@memcache-session/client/binary' (the binary protocol over memjs).
   */
  transport?: TransportFactory
  /** TLS options for every node (meta only); null or unset: plain TCP. */
  tls?: ConnectionOptions | null
}

export const DEFAULT_TIMEOUT_MS = 500
export const DEFAULT_PROBE_MIN_MS = 100
export const DEFAULT_PROBE_MAX_MS = 1000
const HASHINGS: readonly Hashing[] = ['modulo', 'ketama']

export type CheckedOptions = Required<Omit<ClientOptions, 'tls'>> & { tls: ConnectionOptions | null }

function fail (message: string): never {
  throw new InvalidArgumentError(`@memcache-session/client: ${message}`)
}

function positive (name: string, value: unknown, fallback: number, unit: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(`${name} must be a positive whole number of ${unit}, got ${String(value)}`)
  return value
}

function oneOf<T extends string> (name: string, value: unknown, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0]!
  if (!allowed.includes(value as T)) fail(`${name} must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(value)}`)
  return value as T
}

function checkServer (server: unknown, i: number): NodeAddress {
  const { host, port, weight } = (server ?? {}) as Partial<NodeAddress>
  if (typeof host !== 'string' || host.length === 0) fail(`servers[${i}].host must be a host name or address`)
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) fail(`servers[${i}].port must be a port from 1 to 65535, got ${String(port)}`)
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 1) fail(`servers[${i}].weight must be a positive whole number, got ${String(weight)}`)
  return { host, port, weight }
}

export function checkOptions (options: ClientOptions): CheckedOptions {
  if (typeof options !== 'object' || options === null) fail('options must be an object')
  if (!Array.isArray(options.servers) || options.servers.length === 0) fail('servers must list at least one memcached node')
  const servers = options.servers.map(checkServer)
  if ('protocol' in options) fail("protocol is gone: meta is the default; for binary pass transport: binaryTransport from '@memcache-session/client/binary'")
  const transport = options.transport ?? metaTransport
  if (typeof transport?.open !== 'function') fail('transport must be a transport factory (metaTransport, or binaryTransport from @memcache-session/client/binary)')
  const tls = options.tls ?? null
  if (tls !== null && typeof tls !== 'object') fail('tls must be node:tls connection options, or null')
  if (tls !== null && !transport.supportsTls) fail(`tls needs the meta transport: the ${transport.protocol} transport has no TLS`)
  const probeMinMs = positive('probeMinMs', options.probeMinMs, DEFAULT_PROBE_MIN_MS, 'ms')
  const probeMaxMs = positive('probeMaxMs', options.probeMaxMs, Math.max(DEFAULT_PROBE_MAX_MS, probeMinMs), 'ms')
  if (probeMaxMs < probeMinMs) fail(`probeMaxMs (${probeMaxMs}) must not be below probeMinMs (${probeMinMs})`)
  return {
    servers,
    timeoutMs: positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS, 'ms'),
    probeMinMs,
    probeMaxMs,
    maxValueBytes: positive('maxValueBytes', options.maxValueBytes, DEFAULT_MAX_VALUE_BYTES, 'bytes'),
    hashing: oneOf('hashing', options.hashing, HASHINGS),
    transport,
    tls
  }
}
