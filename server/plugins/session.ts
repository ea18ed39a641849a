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
      /** Takes one from the client's budget of new stored sessions (SESSION_NEW_PER_MINUTE). */
      chargeNewSession (request: FastifyRequest): RateDecision
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

  function writeCookie (request: FastifyRequest, reply: FastifyReply, session: Session | null): void {
    const attributes = { httpOnly: true, sameSite: 'lax', path: '/', secure: options.secure === 'always' || request.protocol === 'https' } as const
    if (!session) {
      reply.clearCookie(COOKIE_NAME, attributes)
      return
    }
    reply.setCookie(COOKIE_NAME, format.write(session), {
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
  const chargeNewSession = (request: FastifyRequest) => newSessions.take(clientBucket(request.ip), 1)

  // An eager format (tornado) stores a record for every new session, a cookieless visit included:
  // there, a new id is where the budget of new sessions is charged (a lazy format stores nothing
  // until the first write, which the session route charges).
  function eagerNewId (request: FastifyRequest, reply: FastifyReply): () => string {
    return function budgetedNewId () {
      const decision = chargeNewSession(request)
      if (!decision.allowed) {
        reply.header('retry-after', String(decision.retryAfterSeconds))
        throw new SessionError(`Too many new sessions from your address: ${app.config.sessionNewPerMinute} a minute at most. Keep your cookie, or try again in ${decision.retryAfterSeconds} s.`, 429)
      }
      return newSessionId()
    }
  }

  function open (request: FastifyRequest, reply: FastifyReply): Promise<OpenedSession> {
    const raw = request.cookies[COOKIE_NAME]
    const unsigned = raw ? request.unsignCookie(raw) : null
    const cookie = unsigned?.valid && unsigned.value !== null ? { value: unsigned.value, renew: unsigned.renew } : null
    const requestDeps = format.lazy ? deps : { ...deps, newId: eagerNewId(request, reply) }
    return openSession(requestDeps, cookie, (session) => writeCookie(request, reply, session))
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

export default fp(sessionPlugin, { name: 'sessions', dependencies: ['memcache', '@fastify/cookie'] })
