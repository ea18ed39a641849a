// Configuration from the environment, validated once at start. Every problem names its variable.
import { type Hashing, type MemcachedProtocol, type NodeAddress, readTlsFiles } from '@memcache-session/client'
import type { CookieFormatName } from '@memcache-session/fastify'
import type { ConnectionOptions } from 'node:tls'
import { parseTrustProxy } from './trust-proxy.ts'
import { tracingWanted } from './observability/tracing.ts'

/** What the app runs with: complete, memcached servers included. */
export interface Config {
  port: number
  host: string
  memcachedServers: NodeAddress[]
  memcachedTimeoutMs: number
  /** Deadline for a client to send a whole request (headers and body). */
  requestTimeoutMs: number
  /** A failed node is probed after this long, then at doubling intervals up to memcachedProbeMaxMs. */
  memcachedProbeMinMs: number
  memcachedProbeMaxMs: number
  memcachedHashing: Hashing
  /** meta (default): the meta protocol (text), over TCP or TLS; binary: memcached's binary protocol over memjs. */
  memcachedProtocol: MemcachedProtocol
  /** TLS options for every node (MEMCACHED_TLS=on), or null for plain TCP. Meta only. */
  memcachedTls: ConnectionOptions | null
  /** The first signs, every one verifies (rotation). */
  cookieSecrets: string[]
  /** 'auto': Secure when the request came over HTTPS (X-Forwarded-Proto counts with TRUST_PROXY). */
  cookieSecure: 'auto' | 'always'
  /** fastify: our signed `<id>.<created>`; tornado: Tornado's secure cookie, shared with the Python original. */
  cookieFormat: CookieFormatName
  /** false, or the addresses/CIDRs of the proxies whose X-Forwarded-* headers count (trust-proxy.ts). */
  trustProxy: false | string[]
  sessionTtlSeconds: number
  sessionMaxAgeSeconds: number
  /** Copies of each session record beyond the first: 1 (two copies, the default) or 0. */
  sessionReplicas: 0 | 1
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
  /** Session-form writes one client address may make per minute (a write over 4 KiB costs one per 4 KiB); 0: no limit. */
  sessionWritesPerMinute: number
  /** New sessions one client address may have stored per minute (the first write; in tornado mode the first visit); 0: no limit. */
  sessionNewPerMinute: number
  /** Set when COOKIE_SECRET was missing outside production: the server warns at start. */
  usingDevSecret: boolean
  /** Where /metrics is served (a server of its own, off the public port); null: no metrics (METRICS_PORT=off); 0: any free port. */
  metricsPort: number | null
  metricsHost: string
  /** OpenTelemetry traces, when OTEL_* asks for them (observability/tracing.ts). */
  tracing: boolean
}

export type { MemcachedProtocol }

/**
 * What the environment says. Without MEMCACHED_SERVERS the process starts `localNodes` first, and
 * the playground's own pool, `localPlaygroundNodes`, unless PLAYGROUND_MEMCACHED_SERVERS is set (main.ts).
 */
export type LoadedConfig = Omit<Config, 'memcachedServers'> & {
  memcachedServers: NodeAddress[] | null
  localNodes: Array<{ port: number, weight: number }>
  localPlaygroundNodes: Array<{ port: number, weight: number }>
}

export const DEV_COOKIE_SECRET = 'dev-only-secret-do-not-use-in-production-0000'
export const MIN_SECRET_LENGTH = 32
/** The weights of the tutorial's four nodes `npm start` runs, and their default ports (LOCAL_MEMCACHED_PORTS). */
export const LOCAL_WEIGHTS = [4, 3, 1, 2]
/**
 * The four session nodes' ports, then the playground's own four (weighted like the tutorial's too,
 * so every playground key visibly lands on one of four nodes, and the playground cannot evict sessions).
 */
export const DEFAULT_LOCAL_PORTS = [11211, 11212, 11213, 11214, 11215, 11216, 11217, 11218]
/** Memory of the playground's local nodes per unit of weight: 16/12/4/8 MB, small as a lesson needs. */
export const LOCAL_PLAYGROUND_MEMORY_PER_WEIGHT_MB = 4
/** Prometheus's registered default port for exporters of OpenTelemetry's kind (and the one the OTel SDK's Prometheus exporter takes). */
export const DEFAULT_METRICS_PORT = 9464

export class ConfigError extends Error {
  override name = 'ConfigError'
  readonly problems: string[]
  constructor (problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
    this.problems = problems
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

/** The config for an app on the given servers (MEMCACHED_SERVERS, or the local nodes main.ts started). */
export function resolveConfig (
  loaded: LoadedConfig,
  servers: NodeAddress[] | null = loaded.memcachedServers,
  playgroundServers: NodeAddress[] | null = loaded.playgroundMemcachedServers
): Config {
  if (!servers) throw new Error('MEMCACHED_SERVERS is not set: start the local nodes first and pass their addresses')
  const { localNodes: _localNodes, localPlaygroundNodes: _localPlaygroundNodes, memcachedServers: _unset, ...rest } = loaded
  return { ...rest, memcachedServers: servers, playgroundMemcachedServers: playgroundServers }
}

export function loadConfig (env: Env = process.env): LoadedConfig {
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

  /** A server list (`host:port[:weight],...`), or null when the variable is empty. */
  const servers = (name: string): NodeAddress[] | null => {
    const raw = env[name]
    if (raw === undefined || raw.trim() === '') return null
    try {
      return parseServers(raw)
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`)
      return null
    }
  }
  const memcachedServers = servers('MEMCACHED_SERVERS')

  let localPorts = DEFAULT_LOCAL_PORTS
  const portsText = env.LOCAL_MEMCACHED_PORTS?.trim()
  if (portsText) {
    let ports = portsText.split(',').map((p) => p.trim())
    // Five ports, as before the playground had four nodes: its nodes take the fifth and the next three.
    if (ports.length === 5 && /^\d{1,5}$/.test(ports[4]!)) ports = [...ports, ...[1, 2, 3].map((i) => String(Number(ports[4]) + i))]
    if (ports.length !== DEFAULT_LOCAL_PORTS.length || ports.some((p) => !/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) || new Set(ports).size !== ports.length) {
      problems.push(`LOCAL_MEMCACHED_PORTS must be ${DEFAULT_LOCAL_PORTS.length} different ports (1-65535), comma-separated (the four session nodes, then the playground's four; or five, the playground's from the fifth on), got "${env.LOCAL_MEMCACHED_PORTS}"`)
    } else {
      localPorts = ports.map(Number)
    }
  }

  const playgroundMemcachedServers = servers('PLAYGROUND_MEMCACHED_SERVERS')

  const secretText = env.COOKIE_SECRET?.trim() ?? ''
  let cookieSecrets = secretText.split(',').map((s) => s.trim()).filter(Boolean)
  const usingDevSecret = cookieSecrets.length === 0 && !production
  if (cookieSecrets.length === 0) {
    if (production) problems.push(`COOKIE_SECRET is required when NODE_ENV=production (comma-separated, each at least ${MIN_SECRET_LENGTH} characters)`)
    cookieSecrets = [DEV_COOKIE_SECRET]
  } else if (production && cookieSecrets.some((s) => s.length < MIN_SECRET_LENGTH)) {
    problems.push(`COOKIE_SECRET: every secret must be at least ${MIN_SECRET_LENGTH} characters when NODE_ENV=production`)
  }

  const memcachedProtocol = oneOf('MEMCACHED_PROTOCOL', 'meta', ['meta', 'binary'] as const)
  let memcachedTls: ConnectionOptions | null = null
  if (oneOf('MEMCACHED_TLS', 'off', ['on', 'off'] as const) === 'on') {
    // memjs opens its sockets with net.connect and offers no hook to wrap them (memjs#169): TLS is
    // the meta transport's. Refused here rather than silently sent in clear.
    if (memcachedProtocol !== 'meta') problems.push('MEMCACHED_TLS=on needs MEMCACHED_PROTOCOL=meta (memjs, the binary transport, has no TLS)')
    if (!memcachedServers) problems.push('MEMCACHED_TLS=on needs MEMCACHED_SERVERS: the local nodes npm start runs serve plain TCP')
    const tls = readTlsFiles(
      { caFile: env.MEMCACHED_TLS_CA?.trim(), certFile: env.MEMCACHED_TLS_CERT?.trim(), keyFile: env.MEMCACHED_TLS_KEY?.trim() },
      { caFile: 'MEMCACHED_TLS_CA', certFile: 'MEMCACHED_TLS_CERT', keyFile: 'MEMCACHED_TLS_KEY' }
    )
    problems.push(...tls.problems)
    memcachedTls = tls.options
  } else {
    for (const name of ['MEMCACHED_TLS_CA', 'MEMCACHED_TLS_CERT', 'MEMCACHED_TLS_KEY']) {
      if (env[name]?.trim()) problems.push(`${name} is set but MEMCACHED_TLS is not on`)
    }
  }

  const metricsText = env.METRICS_PORT?.trim()
  const metricsPort = metricsText === 'off' ? null : integer('METRICS_PORT', DEFAULT_METRICS_PORT, 0, 65535)

  const trustProxy = parseTrustProxy(env.TRUST_PROXY)
  if (trustProxy.problem) problems.push(trustProxy.problem)

  const config: LoadedConfig = {
    port: integer('PORT', 9999, 0, 65535),
    host: env.HOST?.trim() || '0.0.0.0',
    memcachedServers,
    localNodes: LOCAL_WEIGHTS.map((weight, i) => ({ port: localPorts[i]!, weight })),
    localPlaygroundNodes: LOCAL_WEIGHTS.map((weight, i) => ({ port: localPorts[LOCAL_WEIGHTS.length + i]!, weight })),
    memcachedTimeoutMs: integer('MEMCACHED_TIMEOUT_MS', 500, 10, 10_000),
    requestTimeoutMs: integer('REQUEST_TIMEOUT_MS', 10_000, 100, 600_000),
    memcachedProbeMinMs: integer('MEMCACHED_PROBE_MIN_MS', 100, 10, 60_000),
    memcachedProbeMaxMs: integer('MEMCACHED_PROBE_MAX_MS', 1000, 10, 60_000),
    memcachedHashing: oneOf('MEMCACHED_HASHING', 'modulo', ['modulo', 'ketama'] as const),
    memcachedProtocol,
    memcachedTls,
    cookieSecrets,
    cookieSecure: oneOf('COOKIE_SECURE', 'auto', ['auto', 'always'] as const),
    cookieFormat: oneOf('COOKIE_FORMAT', 'fastify', ['fastify', 'tornado'] as const),
    trustProxy: trustProxy.value,
    // At least 3: the second copy expires two seconds before home (packages/fastify/src/store.ts).
    sessionTtlSeconds: integer('SESSION_TTL_SECONDS', 1200, 3, 30 * 24 * 3600),
    sessionMaxAgeSeconds: integer('SESSION_MAX_AGE_SECONDS', 12 * 3600, 1, 365 * 24 * 3600),
    sessionReplicas: integer('SESSION_REPLICAS', 1, 0, 1) as 0 | 1,
    production,
    logLevel: oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    playground: oneOf('PLAYGROUND', 'on', ['on', 'off'] as const) === 'on',
    playgroundMemcachedServers,
    playgroundKeysPerMinute: integer('PLAYGROUND_KEYS_PER_MINUTE', 120, 0, 1_000_000),
    playgroundMaxTtlSeconds: integer('PLAYGROUND_MAX_TTL_SECONDS', 3600, 1, 30 * 24 * 3600),
    sessionWritesPerMinute: integer('SESSION_WRITES_PER_MINUTE', 60, 0, 1_000_000),
    sessionNewPerMinute: integer('SESSION_NEW_PER_MINUTE', 10, 0, 1_000_000),
    usingDevSecret,
    metricsPort,
    metricsHost: env.METRICS_HOST?.trim() || env.HOST?.trim() || '0.0.0.0',
    tracing: tracingWanted(env)
  }
  if (config.memcachedProbeMaxMs < config.memcachedProbeMinMs) {
    problems.push(`MEMCACHED_PROBE_MAX_MS (${config.memcachedProbeMaxMs}) must not be below MEMCACHED_PROBE_MIN_MS (${config.memcachedProbeMinMs})`)
  }
  if (env.MEMCACHED_DEAD_RETRY_SECONDS?.trim()) {
    problems.push('MEMCACHED_DEAD_RETRY_SECONDS is gone: a failed node is probed and used again as soon as it answers (MEMCACHED_PROBE_MIN_MS, MEMCACHED_PROBE_MAX_MS)')
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return config
}
