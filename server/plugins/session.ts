// Sessions for routes: the package's plugin (@memcache-session/fastify: `app.sessions.open`, the
// cookie, the store) registered with this app's config, plus what is this app's own: the budgets
// per client address (SESSION_WRITES_PER_MINUTE, SESSION_NEW_PER_MINUTE) as `app.sessionBudgets`.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sessionPlugin, SessionError } from '@memcache-session/fastify'
import { clientBucket, KeyRateLimiter, type RateDecision } from '../playground/rate-limit.ts'

export type { OpenedSession } from '@memcache-session/fastify'

/** The tutorial's cookie: the Python original reads `uc` (and Tornado signs the name into the value). */
export const COOKIE_NAME = 'uc'
/** Ids charged to a budget of new sessions, remembered for a minute at most (the oldest forgotten first). */
const CHARGED_IDS_KEPT = 10_000

declare module 'fastify' {
  interface FastifyInstance {
    sessionBudgets: {
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

async function sessions (app: FastifyInstance) {
  const { config } = app
  // Budgets per client address, in this process's memory (as the playground's): how fast one
  // client may write through the session form, and how many new records it may have stored.
  const writes = new KeyRateLimiter(config.sessionWritesPerMinute)
  const newSessions = new KeyRateLimiter(config.sessionNewPerMinute)
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

  // An eager format (tornado) stores a record on a cookieless visit: its budget is charged there
  // (a lazy format stores nothing until the first write, which the session route charges).
  function admitNewSession (request: FastifyRequest, reply: FastifyReply, id: string): void {
    const decision = chargeNewSession(request, id)
    if (decision.allowed) return
    reply.header('retry-after', String(decision.retryAfterSeconds))
    throw new SessionError(`Too many new sessions from your address: ${config.sessionNewPerMinute} a minute at most. Keep your cookie, or try again in ${decision.retryAfterSeconds} s.`, 429)
  }

  await app.register(sessionPlugin, {
    client: app.memcache,
    secret: config.cookieSecrets,
    cookieFormat: config.cookieFormat,
    cookieName: COOKIE_NAME,
    secure: config.cookieSecure,
    ttlSeconds: config.sessionTtlSeconds,
    maxAgeSeconds: config.sessionMaxAgeSeconds,
    replicas: config.sessionReplicas,
    admitNewSession
  })
  app.decorate('sessionBudgets', { chargeWrite, chargeNewSession })
}

export default fp(sessions, { name: 'sessions', dependencies: ['memcache'] })
