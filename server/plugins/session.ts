// Opens the session of a request: reads and verifies the signed `uc` cookie, loads the record
// (one get-and-touch), and starts a fresh session when there is none to load. Routes call
// `app.sessions.open(request, reply)` explicitly where they need one.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createHmac } from 'node:crypto'
import { newSessionId } from '../session/ids.ts'
import type { CookieFormat } from '../session/cookie-format.ts'
import { Session } from '../session/session.ts'
import { SessionStore } from '../session/store.ts'
import type { SessionLimits } from '../session/limits.ts'

export const COOKIE_NAME = 'uc'

export interface OpenedSession {
  session: Session
  /** Why a fresh session was started although the request brought a valid cookie. */
  replaced: 'expired' | 'max-age' | null
}

export interface SessionPluginOptions {
  ttlSeconds: number
  maxAgeSeconds: number
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
    }
  }
}

async function sessionPlugin (app: FastifyInstance, options: SessionPluginOptions) {
  const store = new SessionStore(app.memcache, { ttlSeconds: options.ttlSeconds, limits: options.limits })
  const logKey = app.config.cookieSecrets[0]!

  const { format } = options

  function setCookie (request: FastifyRequest, reply: FastifyReply, session: Session): void {
    reply.setCookie(COOKIE_NAME, format.write(session), {
      signed: true,
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: options.secure === 'always' || request.protocol === 'https',
      // The browser may drop it when the absolute lifetime ends; memcached forgets it when idle.
      maxAge: format.maxAgeSeconds(session.createdAt, options.maxAgeSeconds, nowSeconds()),
      encode: format.encode
    })
  }

  async function start (request: FastifyRequest, reply: FastifyReply): Promise<Session> {
    for (;;) {
      const id = newSessionId()
      if (await store.create(id)) {
        const session = new Session(id, nowSeconds(), { data: new Map(), cas: null }, store, options.limits)
        setCookie(request, reply, session)
        return session
      }
    }
  }

  async function open (request: FastifyRequest, reply: FastifyReply): Promise<OpenedSession> {
    const raw = request.cookies[COOKIE_NAME]
    const unsigned = raw ? request.unsignCookie(raw) : null
    const cookie = unsigned?.valid && unsigned.value !== null ? format.read(unsigned.value) : null
    if (!cookie) return { session: await start(request, reply), replaced: null }

    // A format without a creation time (tornado) has no absolute lifetime.
    if (cookie.createdAt !== null && nowSeconds() - cookie.createdAt >= options.maxAgeSeconds) {
      await store.destroy(cookie.id)
      return { session: await start(request, reply), replaced: 'max-age' }
    }
    const stored = await store.load(cookie.id)
    // A signed id that memcached does not hold is never adopted: a new id, not the old one.
    if (!stored) return { session: await start(request, reply), replaced: 'expired' }

    const session = new Session(cookie.id, cookie.createdAt ?? nowSeconds(), stored, store, options.limits)
    if (unsigned!.renew) setCookie(request, reply, session) // signed with an older secret
    return { session, replaced: null }
  }

  app.decorate('sessions', {
    open,
    limits: options.limits,
    logId: (id: string) => createHmac('sha256', logKey).update(id).digest('hex').slice(0, 12)
  })
}

function nowSeconds (): number {
  return Math.floor(Date.now() / 1000)
}

export default fp(sessionPlugin, { name: 'sessions', dependencies: ['memcache', '@fastify/cookie'] })
