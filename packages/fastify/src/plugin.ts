// The Fastify plugin: `app.sessions.open(request, reply)` verifies the signed cookie, opens the
// request's session (open.ts) and writes or clears the cookie when the session says so. Options are
// checked at registration (plugin-options.ts). What stays the app's: pages, budgets, CSRF policy
// (csrf.ts gives the tokens), logging; see the README's "The seam".
import fp from 'fastify-plugin'
import cookiePlugin from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { createHmac } from 'node:crypto'
import { cookieFormat, type CookieFormat } from './cookie-format.ts'
import { newSessionId } from './ids.ts'
import type { SessionLimits } from './limits.ts'
import { type OpenDeps, type OpenedSession, openSession } from './open.ts'
import { checkPluginOptions, type SessionPluginOptions } from './plugin-options.ts'
import type { AnySession } from './session.ts'
import type { JsonShape, SessionValues } from './record.ts'
import { SessionStore } from './store.ts'
import { tornadoSignedAt } from './tornado-signature.ts'

/** Tornado mode re-signs a cookie older than this, so Tornado's 31-day limit counts from the last visit. */
export const TORNADO_RESIGN_AFTER_SECONDS = 86400

/** What the plugin decorates the app with, as `app.sessions`. */
export interface Sessions {
  /**
   * The request's session, opened once per request (a second call returns the same one). `T` types
   * its values (any JSON by default): `app.sessions.open<{ cart: string[] }>(request, reply)`.
   */
  open<T extends JsonShape<T> = SessionValues> (request: FastifyRequest, reply: FastifyReply): Promise<OpenedSession<T>>
  /** The cookie's name for this request (`__Host-` prefixed when Secure, fastify format, hostPrefix). */
  cookieName (request: FastifyRequest): string
  readonly limits: SessionLimits
  readonly format: CookieFormat
  readonly store: SessionStore
  /** A short keyed hash of a session id, for logs (never log the id itself: it is the credential). */
  logId (id: string): string
  /** The nodes that hold the id's copies now, home first (when none is up, the chain's first nodes, which the next request asks). */
  copies (id: string): number[]
}

declare module 'fastify' {
  interface FastifyInstance {
    sessions: Sessions
  }
}

async function memcacheSessions (app: FastifyInstance, options: SessionPluginOptions) {
  const checked = checkPluginOptions(options)
  const { secrets, ttlSeconds, maxAgeSeconds, limits, admitNewSession } = checked
  // Parsing and setting cookies is @fastify/cookie's; signing is ours (format.signer), so an app
  // that registered @fastify/cookie itself, with secrets of its own or none, keeps it.
  if (!app.hasRequestDecorator('cookies')) await app.register(cookiePlugin)
  const format = cookieFormat(checked.cookieFormat, checked.cookieName, secrets)
  const deps: OpenDeps = {
    store: new SessionStore(checked.client, { ttlSeconds, limits, replicas: checked.replicas }),
    format,
    options: { ttlSeconds, maxAgeSeconds, limits, clockSkewSeconds: checked.clockSkewSeconds },
    clock: () => Math.floor(Date.now() / 1000),
    newId: newSessionId
  }
  // The request's session, once opened, on the request itself (a decorator: every request has the
  // property from its start, so its shape never changes). Not a WeakMap keyed by the request: the
  // entry's value (the opening's promise) holds the request through its closure, and V8's
  // young-generation collections keep such an entry's key alive, so every request, its reply and
  // page went to the old generation, freed only by full collections (bench/README.md's fourth
  // pass: `npm run bench:gc`, and bench/weakmap-promotion.js for the mechanism alone).
  const opened = Symbol('@memcache-session/fastify opened session')
  app.decorateRequest(opened, null)
  type WithOpened = Record<typeof opened, Promise<OpenedSession> | null>

  const secureFor = (request: FastifyRequest) => checked.secure === 'always' || request.protocol === 'https'
  const nameFor = (secure: boolean) => secure && checked.hostPrefix && format.lazy ? `__Host-${checked.cookieName}` : checked.cookieName

  function writeCookie (request: FastifyRequest, reply: FastifyReply, session: AnySession | null): void {
    const secure = secureFor(request)
    const attributes = { httpOnly: true, sameSite: 'lax', path: '/', secure } as const
    if (!session) {
      reply.clearCookie(nameFor(secure), attributes)
      return
    }
    reply.setCookie(nameFor(secure), format.signer.sign(format.write(session)), {
      ...attributes,
      // The browser may drop it when the absolute lifetime ends; memcached forgets it when idle.
      maxAge: format.maxAgeSeconds(session.createdAt, maxAgeSeconds, deps.clock()),
      encode: format.encode
    })
  }

  // An eager format (tornado) stores a record for every new session, a cookieless visit included:
  // the app may refuse one there (admitNewSession), e.g. from a budget of new sessions per client.
  function requestDeps (request: FastifyRequest, reply: FastifyReply): OpenDeps {
    if (format.lazy || !admitNewSession) return deps
    return {
      ...deps,
      newId: function admittedNewId () {
        const id = newSessionId()
        admitNewSession(request, reply, id)
        return id
      }
    }
  }

  async function openOnce (request: FastifyRequest, reply: FastifyReply): Promise<OpenedSession> {
    const raw = request.cookies[nameFor(secureFor(request))]
    const unsigned = raw ? format.signer.unsign(raw) : null
    const cookie = unsigned?.valid && unsigned.value !== null ? { value: unsigned.value, renew: unsigned.renew } : null
    let written = false
    const result = await openSession(requestDeps(request, reply), cookie, (session) => { written = true; writeCookie(request, reply, session) })
    // Tornado's own app re-signs its cookie on every request; we do once a day, so that the
    // signature's 31-day limit counts from the last visit, not from the first.
    if (!written && !format.lazy && raw && result.session.id === cookie?.value && tornadoSignedAt(raw) < deps.clock() - TORNADO_RESIGN_AFTER_SECONDS) {
      writeCookie(request, reply, result.session)
    }
    return result
  }

  function open<T extends JsonShape<T> = SessionValues> (request: FastifyRequest, reply: FastifyReply): Promise<OpenedSession<T>> {
    let result = (request as unknown as WithOpened)[opened]
    if (!result) {
      result = openOnce(request, reply)
      ;(request as unknown as WithOpened)[opened] = result
    }
    // The values' type is the caller's word: what memcached holds is any JSON dict.
    return result as unknown as Promise<OpenedSession<T>>
  }

  function copies (id: string): number[] {
    return deps.store.targets(id)
  }

  const sessions: Sessions = {
    open,
    cookieName: (request) => nameFor(secureFor(request)),
    limits,
    format,
    store: deps.store,
    logId: (id) => createHmac('sha256', secrets[0]!).update(id).digest('hex').slice(0, 12),
    copies
  }
  app.decorate('sessions', sessions)
}

export const sessionPlugin = fp(memcacheSessions, { name: '@memcache-session/fastify', fastify: '5.x' })
export default sessionPlugin
