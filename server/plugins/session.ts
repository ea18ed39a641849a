// Sessions for routes: `app.sessions.open(request, reply)` verifies the signed `uc` cookie and
// opens the session (packages/fastify/src/open.ts), writing or clearing the cookie when the session says so.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createHmac } from 'node:crypto'
import { type CookieFormat, DEFAULT_CLOCK_SKEW_SECONDS, newSessionId, type OpenDeps, type OpenedSession, openSession, type Session, SessionError, type SessionLimits, SessionStore } from '@memcache-session/fastify'
import { NodeDownError } from '@memcache-session/client'
import { clientBucket, KeyRateLimiter, type RateDecision } from '../playground/rate-limit.ts'

export type { OpenedSession } from '@memcache-session/fastify'

export const COOKIE_NAME = 'uc'
/**
 * The fastify-format cookie's name whenever it is Secure: browsers accept a `__Host-` cookie only
 * from the host itself (Secure, Path=/, no Domain), so a sibling subdomain cannot plant a session
 * in it. The tornado format keeps `uc` (the Python original reads that name, and Tornado signs it
 * into the value), and so does plain HTTP (a `__Host-` cookie needs Secure).
 */
export const HOST_COOKIE_NAME = '__Host-uc'
/** Ids charged to a budget of new sessions, remembered for a minute at most (the oldest forgotten first). */
const CHARGED_IDS_KEPT = 10_000
/** Tornado mode re-signs a cookie older than this, so Tornado's 31-day limit counts from the last visit. */
export const TORNADO_RESIGN_AFTER_SECONDS = 86400

export interface SessionPluginOptions {
  ttlSeconds: number
  maxAgeSeconds: number
  /** Copies of each record beyond the first (SESSION_REPLICAS). */
  replicas: 0 | 1
  limits: SessionLimits
  secure: 'auto' | 'always'
  /** The same format @fastify/cookie was registered with (its signer). */
  format: CookieFormat
}

declare module 'fastify' {
  interface FastifyInstance {
    sessions: {
      open (request: FastifyRequest, reply: FastifyReply): Promise<OpenedSession>
      limits: SessionLimits
      /** A short keyed hash of a session id, for logs (never the id itself). */
      logId (id: string): string
      /** The nodes that hold the id's copies now, home first (empty when none is up). */
      copies (id: string): number[]
      /** Takes `cost` from the request's client's write budget (SESSION_WRITES_PER_MINUTE). */
      chargeWrite (request: FastifyRequest, cost: number): RateDecision
      /**
       * Takes one from the client's budget of new stored sessions (SESSION_NEW_PER_MINUTE) for the
       * record of `id`; an id already charged within the minute is not charged again.
       */
      chargeNewSession (request: FastifyRequest, id: string): RateDecision
    }
  }
}

async function sessionPlugin (app: FastifyInstance, options: SessionPluginOptions) {
  const { format } = options
  const logKey = app.config.cookieSecrets[0]!
  const deps: OpenDeps = {
    store: new SessionStore(app.memcache, { ttlSeconds: options.ttlSeconds, limits: options.limits, replicas: options.replicas }),
    format,
    options: { ttlSeconds: options.ttlSeconds, maxAgeSeconds: options.maxAgeSeconds, limits: options.limits, clockSkewSeconds: DEFAULT_CLOCK_SKEW_SECONDS },
    clock: () => Math.floor(Date.now() / 1000),
    newId: newSessionId
  }

  const secureFor = (request: FastifyRequest) => options.secure === 'always' || request.protocol === 'https'
  const cookieName = (secure: boolean) => secure && app.config.cookieFormat === 'fastify' ? HOST_COOKIE_NAME : COOKIE_NAME

  function writeCookie (request: FastifyRequest, reply: FastifyReply, session: Session | null): void {
    const secure = secureFor(request)
    const attributes = { httpOnly: true, sameSite: 'lax', path: '/', secure } as const
    if (!session) {
      reply.clearCookie(cookieName(secure), attributes)
      return
    }
    reply.setCookie(cookieName(secure), format.write(session), {
      ...attributes,
      signed: true,
      // The browser may drop it when the absolute lifetime ends; memcached forgets it when idle.
      maxAge: format.maxAgeSeconds(session.createdAt, options.maxAgeSeconds, deps.clock()),
      encode: format.encode
    })
  }

  // Budgets per client address, in this process's memory (as the playground's): how fast one
  // client may write through the session form, and how many new records it may have stored.
  const writes = new KeyRateLimiter(app.config.sessionWritesPerMinute)
  const newSessions = new KeyRateLimiter(app.config.sessionNewPerMinute)
  const chargeWrite = (request: FastifyRequest, cost: number) => writes.take(clientBucket(request.ip), cost)
  // Concurrent first writes of one lazy session (a double submit) all see it unstored, but store
  // one record between them: the budget counts records, so an id is charged once a minute.
  const charged = new Map<string, number>()
  function chargeNewSession (request: FastifyRequest, id: string): RateDecision {
    const now = Date.now()
    const at = charged.get(id)
    if (at !== undefined && now - at < 60_000) return { allowed: true, retryAfterSeconds: 0 }
    const decision = newSessions.take(clientBucket(request.ip), 1, now)
    if (decision.allowed) {
      charged.delete(id)
      charged.set(id, now)
      if (charged.size > CHARGED_IDS_KEPT) charged.delete(charged.keys().next().value!)
    }
    return decision
  }

  // An eager format (tornado) stores a record for every new session, a cookieless visit included:
  // there, a new id is where the budget of new sessions is charged (a lazy format stores nothing
  // until the first write, which the session route charges).
  function eagerNewId (request: FastifyRequest, reply: FastifyReply): () => string {
    return function budgetedNewId () {
      const id = newSessionId()
      const decision = chargeNewSession(request, id)
      if (!decision.allowed) {
        reply.header('retry-after', String(decision.retryAfterSeconds))
        throw new SessionError(`Too many new sessions from your address: ${app.config.sessionNewPerMinute} a minute at most. Keep your cookie, or try again in ${decision.retryAfterSeconds} s.`, 429)
      }
      return id
    }
  }

  async function open (request: FastifyRequest, reply: FastifyReply): Promise<OpenedSession> {
    const raw = request.cookies[cookieName(secureFor(request))]
    const unsigned = raw ? request.unsignCookie(raw) : null
    const cookie = unsigned?.valid && unsigned.value !== null ? { value: unsigned.value, renew: unsigned.renew } : null
    const requestDeps = format.lazy ? deps : { ...deps, newId: eagerNewId(request, reply) }
    let written = false
    const opened = await openSession(requestDeps, cookie, (session) => { written = true; writeCookie(request, reply, session) })
    // Tornado's own app re-signs `uc` on every request; we do once a day, so that the signature's
    // 31-day limit counts from the last visit, not from the first.
    if (!written && !format.lazy && raw && opened.session.id === cookie?.value && signedAt(raw) < deps.clock() - TORNADO_RESIGN_AFTER_SECONDS) {
      writeCookie(request, reply, opened.session)
    }
    return opened
  }

  function copies (id: string): number[] {
    try {
      return deps.store.targets(id)
    } catch (error) {
      if (error instanceof NodeDownError) return []
      throw error
    }
  }

  app.decorate('sessions', {
    open,
    copies,
    limits: options.limits,
    logId: (id: string) => createHmac('sha256', logKey).update(id).digest('hex').slice(0, 12),
    chargeWrite,
    chargeNewSession
  })
}

/** When a Tornado-signed value (`2|1:0|10:<seconds>|…`, maybe quoted) was signed; 0 when it says nothing. */
export function signedAt (raw: string): number {
  const match = /^"?2\|\d+:\d+\|\d+:(\d+)\|/.exec(raw)
  return match ? Number(match[1]) : 0
}

export default fp(sessionPlugin, { name: 'sessions', dependencies: ['memcache', '@fastify/cookie'] })
