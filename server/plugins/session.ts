// Sessions for routes: `app.sessions.open(request, reply)` verifies the signed `uc` cookie and
// opens the session (packages/fastify/src/open.ts), writing or clearing the cookie when the session says so.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createHmac } from 'node:crypto'
import { type CookieFormat, DEFAULT_CLOCK_SKEW_SECONDS, newSessionId, type OpenDeps, type OpenedSession, openSession, type Session, type SessionLimits, SessionStore } from '@memcache-session/fastify'
import { NodeDownError } from '@memcache-session/client'

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

  function open (request: FastifyRequest, reply: FastifyReply): Promise<OpenedSession> {
    const raw = request.cookies[COOKIE_NAME]
    const unsigned = raw ? request.unsignCookie(raw) : null
    const cookie = unsigned?.valid && unsigned.value !== null ? { value: unsigned.value, renew: unsigned.renew } : null
    return openSession(deps, cookie, (session) => writeCookie(request, reply, session))
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
    logId: (id: string) => createHmac('sha256', logKey).update(id).digest('hex').slice(0, 12)
  })
}

export default fp(sessionPlugin, { name: 'sessions', dependencies: ['memcache', '@fastify/cookie'] })
