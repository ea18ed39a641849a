// The plugin's options, checked once when it is registered (undici's and @fastify/session's way):
// a bad option throws a SessionOptionError naming it, so a typo fails at start, not at the first
// request. Defaults are built into a new object; the caller's is never changed.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { MemcacheClient } from '@memcache-session/client'
import { SessionOptionError } from './errors.ts'
import { DEFAULT_LIMITS, type SessionLimits } from './limits.ts'
import { DEFAULT_CLOCK_SKEW_SECONDS } from './open.ts'
import type { CookieFormatName } from './cookie-format.ts'

export interface SessionPluginOptions {
  /** The memcached client that holds the sessions. Its owner closes it; the plugin does not. */
  client: MemcacheClient
  /** Cookie secrets: the first signs, every one verifies (rotation). Use 32 characters or more. */
  secret: string | readonly string[]
  /** `fastify` (default): this package's signed `<id>.<created>`, lazy; `tornado`: Tornado's secure cookie, eager. */
  cookieFormat?: CookieFormatName
  /** Default `sid`. Tornado signs the name into the value: use the Tornado app's (the tutorial's is `uc`). */
  cookieName?: string
  /** Name a Secure fastify-format cookie `__Host-<cookieName>` (host-only: no sibling subdomain can plant it). Default true. */
  hostPrefix?: boolean
  /** `auto` (default): Secure over HTTPS only (request.protocol, so mind trustProxy); `always`: Secure everywhere. */
  secure?: 'auto' | 'always'
  /**
   * Idle lifetime, sliding, in seconds: up to 30 days (memcached reads more as a date), at least 3
   * with two copies (the copy expires two seconds before home), 1 with one. Default 1200.
   */
  ttlSeconds?: number
  /** Absolute lifetime in seconds (fastify format only: Tornado's cookie has no creation time). Default 43200. */
  maxAgeSeconds?: number
  /** Copies of each record beyond the first: 1 (default) keeps a second on the next node of its route chain. */
  replicas?: 0 | 1
  /** Size limits, each a positive integer; unset ones are DEFAULT_LIMITS'. */
  limits?: Partial<SessionLimits>
  /** How far in the future a cookie's creation time may lie (app instances' clocks disagree). Default 60. */
  clockSkewSeconds?: number
  /**
   * Called before a visit's new session is stored while it is opened, which happens only with an
   * eager format (tornado: a lazy session is stored by its first change, in your route). Throw to
   * refuse, e.g. a SessionError with status 429 from a budget of new sessions per client.
   */
  admitNewSession?: (request: FastifyRequest, reply: FastifyReply, id: string) => void
}

export interface CheckedPluginOptions {
  client: MemcacheClient
  secrets: string[]
  cookieFormat: CookieFormatName
  cookieName: string
  hostPrefix: boolean
  secure: 'auto' | 'always'
  ttlSeconds: number
  maxAgeSeconds: number
  replicas: 0 | 1
  limits: SessionLimits
  clockSkewSeconds: number
  admitNewSession: ((request: FastifyRequest, reply: FastifyReply, id: string) => void) | null
}

/** memcached reads an expiry above 30 days as a Unix time, so a longer idle TTL would expire at once. */
export const MAX_TTL_SECONDS = 30 * 24 * 3600
/** The store's own floor with two copies: the copy expires two seconds before home (store.ts). */
export const MIN_TTL_TWO_COPIES = 3
/** RFC 6265's cookie-name token: no separators, spaces or controls. */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const KNOWN = new Set(['client', 'secret', 'cookieFormat', 'cookieName', 'hostPrefix', 'secure', 'ttlSeconds', 'maxAgeSeconds', 'replicas', 'limits', 'clockSkewSeconds', 'admitNewSession'])
const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as Array<keyof SessionLimits>

function fail (message: string): never {
  throw new SessionOptionError(message)
}

function integer (name: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer from ${min} to ${max}, got ${describe(value)}`)
  }
  return value
}

function oneOf<T extends string> (name: string, value: unknown, allowed: readonly T[]): T {
  if (value === undefined) return allowed[0]!
  if (!allowed.includes(value as T)) fail(`${name} must be ${allowed.map((v) => `'${v}'`).join(' or ')}, got ${describe(value)}`)
  return value as T
}

function describe (value: unknown): string {
  return typeof value === 'string' ? `'${value.slice(0, 40)}'` : typeof value === 'function' ? 'a function' : String(value)
}

function checkSecrets (secret: unknown): string[] {
  const secrets = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? [...secret] : null
  if (!secrets || secrets.length === 0) fail('secret is required: a string, or an array of them (the first signs, every one verifies)')
  secrets.forEach((s, i) => {
    if (typeof s !== 'string' || s.length === 0) fail(`secret[${i}] must be a non-empty string, got ${describe(s)}`)
  })
  return secrets as string[]
}

function checkLimits (limits: unknown): SessionLimits {
  if (limits === undefined) return { ...DEFAULT_LIMITS }
  if (typeof limits !== 'object' || limits === null) fail(`limits must be an object, got ${describe(limits)}`)
  for (const name of Object.keys(limits)) {
    if (!LIMIT_NAMES.includes(name as keyof SessionLimits)) fail(`limits.${name} is not a limit (${LIMIT_NAMES.join(', ')})`)
  }
  const given = limits as Partial<Record<keyof SessionLimits, unknown>>
  const checked = Object.fromEntries(LIMIT_NAMES.map((name) => [name, integer(`limits.${name}`, given[name], DEFAULT_LIMITS[name], 1)])) as unknown as SessionLimits
  if (checked.maxValueBytes > checked.maxSessionBytes) {
    fail(`limits.maxValueBytes (${checked.maxValueBytes}) must not exceed limits.maxSessionBytes (${checked.maxSessionBytes})`)
  }
  return checked
}

export function checkPluginOptions (options: SessionPluginOptions): CheckedPluginOptions {
  if (typeof options !== 'object' || options === null) fail('options are required: { client, secret }')
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) fail(`unknown option ${name}`)
  }
  const { client, admitNewSession } = options
  if (typeof client !== 'object' || client === null || typeof client.routeChain !== 'function') {
    fail('client is required: a MemcacheClient from @memcache-session/client')
  }
  const cookieName = options.cookieName ?? 'sid'
  if (typeof cookieName !== 'string' || !COOKIE_NAME.test(cookieName)) fail(`cookieName must be a cookie-name token (letters, digits, !#$%&'*+-.^_\`|~), got ${describe(cookieName)}`)
  if (options.hostPrefix !== undefined && typeof options.hostPrefix !== 'boolean') fail(`hostPrefix must be true or false, got ${describe(options.hostPrefix)}`)
  if (admitNewSession !== undefined && typeof admitNewSession !== 'function') fail(`admitNewSession must be a function, got ${describe(admitNewSession)}`)
  const replicas = options.replicas ?? 1
  if (replicas !== 0 && replicas !== 1) fail(`replicas must be 0 or 1 (copies beyond the first), got ${describe(replicas)}`)
  return {
    client,
    secrets: checkSecrets(options.secret),
    cookieFormat: oneOf('cookieFormat', options.cookieFormat, ['fastify', 'tornado'] as const),
    cookieName,
    hostPrefix: options.hostPrefix ?? true,
    secure: oneOf('secure', options.secure, ['auto', 'always'] as const),
    ttlSeconds: integer(replicas === 1 ? 'ttlSeconds (with two copies)' : 'ttlSeconds', options.ttlSeconds, 1200, replicas === 1 ? MIN_TTL_TWO_COPIES : 1, MAX_TTL_SECONDS),
    maxAgeSeconds: integer('maxAgeSeconds', options.maxAgeSeconds, 43200, 1),
    replicas,
    limits: checkLimits(options.limits),
    clockSkewSeconds: integer('clockSkewSeconds', options.clockSkewSeconds, DEFAULT_CLOCK_SKEW_SECONDS, 0, 3600),
    admitNewSession: admitNewSession ?? null
  }
}
