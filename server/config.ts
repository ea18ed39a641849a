// Configuration from the environment, validated once at start. Every problem names its variable.
import type { NodeAddress } from './memcache/node.ts'
import type { Hashing } from './memcache/ketama.ts'
import type { CookieFormatName } from './session/cookie-format.ts'

export interface Config {
  port: number
  host: string
  /** null: start four local memcached nodes (npm start without MEMCACHED_SERVERS). */
  memcachedServers: NodeAddress[] | null
  memcachedTimeoutMs: number
  memcachedDeadRetryMs: number
  memcachedHashing: Hashing
  /** The first signs, every one verifies (rotation). */
  cookieSecrets: string[]
  /** 'auto': Secure when the request came over HTTPS (X-Forwarded-Proto counts with TRUST_PROXY). */
  cookieSecure: 'auto' | 'always'
  /** fastify: our signed `<id>.<created>`; tornado: Tornado's secure cookie, shared with the Python original. */
  cookieFormat: CookieFormatName
  trustProxy: boolean
  sessionTtlSeconds: number
  sessionMaxAgeSeconds: number
  production: boolean
  logLevel: string
  /** The /memcache playground page (PLAYGROUND=off removes it). */
  playground: boolean
  /** The playground's own memcached pool; null: the one `npm start` launches, else the session cluster. */
  playgroundMemcachedServers: NodeAddress[] | null
  /** Keys one client (IP address) may name in playground commands per minute; 0: no limit. */
  playgroundKeysPerMinute: number
  /** Every playground key expires within this many seconds (a TTL of 0 or longer is capped to it). */
  playgroundMaxTtlSeconds: number
  /** Set when COOKIE_SECRET was missing outside production: the server warns at start. */
  usingDevSecret: boolean
}

export const DEV_COOKIE_SECRET = 'dev-only-secret-do-not-use-in-production-0000'
export const MIN_SECRET_LENGTH = 32
/** The weights of the tutorial's four nodes, and the ports `npm start` gives them. */
export const LOCAL_NODES = [
  { port: 11211, weight: 4 },
  { port: 11212, weight: 3 },
  { port: 11213, weight: 1 },
  { port: 11214, weight: 2 }
]
/** The playground's own node `npm start` launches beside them, so the playground cannot evict sessions. */
export const LOCAL_PLAYGROUND_NODE = { port: 11215, weight: 1, memoryMb: 16 }

export class ConfigError extends Error {
  override name = 'ConfigError'
  constructor (readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
}

type Env = Record<string, string | undefined>

/** `host:port[:weight]`, comma-separated; IPv6 hosts in brackets: `[::1]:11211:2`. */
export function parseServers (text: string): NodeAddress[] {
  return text.split(',').map((part) => part.trim()).filter(Boolean).map((entry) => {
    const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s]+):(\d+)(?::(\d+))?$/.exec(entry)
    if (!match) throw new Error(`"${entry}" is not host:port[:weight]`)
    const port = Number(match[2])
    const weight = match[3] === undefined ? 1 : Number(match[3])
    if (port < 1 || port > 65535) throw new Error(`"${entry}": port must be 1-65535`)
    if (weight < 1 || weight > 100) throw new Error(`"${entry}": weight must be 1-100`)
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port, weight }
  })
}

export function loadConfig (env: Env = process.env): Config {
  const problems: string[] = []
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`)
      return fallback
    }
    return value
  }
  const oneOf = <T extends string>(name: string, fallback: T, allowed: readonly T[]): T => {
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`)
      return fallback
    }
    return raw as T
  }

  const production = env.NODE_ENV === 'production'

  let memcachedServers: NodeAddress[] | null = null
  if (env.MEMCACHED_SERVERS !== undefined && env.MEMCACHED_SERVERS.trim() !== '') {
    try {
      memcachedServers = parseServers(env.MEMCACHED_SERVERS)
    } catch (error) {
      problems.push(`MEMCACHED_SERVERS: ${(error as Error).message}`)
    }
  }

  let playgroundMemcachedServers: NodeAddress[] | null = null
  if (env.PLAYGROUND_MEMCACHED_SERVERS !== undefined && env.PLAYGROUND_MEMCACHED_SERVERS.trim() !== '') {
    try {
      playgroundMemcachedServers = parseServers(env.PLAYGROUND_MEMCACHED_SERVERS)
    } catch (error) {
      problems.push(`PLAYGROUND_MEMCACHED_SERVERS: ${(error as Error).message}`)
    }
  }

  const secretText = env.COOKIE_SECRET?.trim() ?? ''
  let cookieSecrets = secretText.split(',').map((s) => s.trim()).filter(Boolean)
  const usingDevSecret = cookieSecrets.length === 0 && !production
  if (cookieSecrets.length === 0) {
    if (production) problems.push(`COOKIE_SECRET is required when NODE_ENV=production (comma-separated, each at least ${MIN_SECRET_LENGTH} characters)`)
    cookieSecrets = [DEV_COOKIE_SECRET]
  } else if (production && cookieSecrets.some((s) => s.length < MIN_SECRET_LENGTH)) {
    problems.push(`COOKIE_SECRET: every secret must be at least ${MIN_SECRET_LENGTH} characters when NODE_ENV=production`)
  }

  const config: Config = {
    port: integer('PORT', 9999, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    memcachedServers,
    memcachedTimeoutMs: integer('MEMCACHED_TIMEOUT_MS', 500, 10, 10_000),
    memcachedDeadRetryMs: integer('MEMCACHED_DEAD_RETRY_SECONDS', 30, 0, 3600) * 1000,
    memcachedHashing: oneOf('MEMCACHED_HASHING', 'modulo', ['modulo', 'ketama'] as const),
    cookieSecrets,
    cookieSecure: oneOf('COOKIE_SECURE', 'auto', ['auto', 'always'] as const),
    cookieFormat: oneOf('COOKIE_FORMAT', 'fastify', ['fastify', 'tornado'] as const),
    trustProxy: oneOf('TRUST_PROXY', 'false', ['true', 'false'] as const) === 'true',
    sessionTtlSeconds: integer('SESSION_TTL_SECONDS', 1200, 1, 30 * 24 * 3600),
    sessionMaxAgeSeconds: integer('SESSION_MAX_AGE_SECONDS', 12 * 3600, 1, 365 * 24 * 3600),
    production,
    logLevel: oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    playground: oneOf('PLAYGROUND', 'on', ['on', 'off'] as const) === 'on',
    playgroundMemcachedServers,
    playgroundKeysPerMinute: integer('PLAYGROUND_KEYS_PER_MINUTE', 120, 0, 1_000_000),
    playgroundMaxTtlSeconds: integer('PLAYGROUND_MAX_TTL_SECONDS', 3600, 1, 30 * 24 * 3600),
    usingDevSecret
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}
