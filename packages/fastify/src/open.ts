// Opening the session of a request, from its verified `uc` cookie. Pure of HTTP: the caller
// verifies the signature and writes the cookie (through `hooks.cookie`); everything else is here.
//
// Lazy sessions (cookie formats that can say so, i.e. `fastify`): a visit without a session
// stores nothing. It gets a new id in a cookie marked "issued, not stored yet" (`<id>.<created>.new`,
// signed); the first change stores the record (`add`) and re-issues the cookie without the mark.
// The CSRF token is bound to the id the signed cookie carries, so the first POST verifies before
// anything is stored. A marked id that memcached does not hold is taken up only
//   - within the idle TTL of its creation: an id that was stored and then expired idle was stored
//     after its creation, so it expired after creation + TTL, when the mark no longer counts;
//   - when the id was not ended: ending (or regenerating) a session younger than that window
//     leaves an end mark under the id for the rest of it (the same one get-and-touch sees it).
// An unmarked id that memcached does not hold (expired, evicted, ended, or on a node that is down)
// is never taken up: a new id. Tornado's cookie carries only the id, so that format stays eager.
import { type AnySession, Session, type SessionHooks } from './session.ts'
import type { SessionStore, StoredSession } from './store.ts'
import type { CookieFormat } from './cookie-format.ts'
import type { SessionLimits } from './limits.ts'
import type { JsonShape, SessionValues } from './record.ts'
import { publishEnd, publishOpen } from './diagnostics.ts'

export interface OpenedSession<T extends JsonShape<T> = SessionValues> {
  session: Session<T>
  /** Why a fresh session was started although the request brought a valid cookie. */
  replaced: 'expired' | 'max-age' | null
}

export interface OpenOptions {
  ttlSeconds: number
  maxAgeSeconds: number
  limits: SessionLimits
  /**
   * How far in the future a cookie's creation time may lie (clocks of several app instances
   * disagree a little); beyond it the cookie is refused.
   */
  clockSkewSeconds: number
}

export interface OpenDeps {
  store: SessionStore
  format: CookieFormat
  options: OpenOptions
  /** Unix seconds now. */
  clock: () => number
  newId: () => string
}

/** A cookie whose signature verified: its value, and whether it should be re-signed (older secret). */
export interface VerifiedCookie {
  value: string
  renew: boolean
}

/** The cookie writer of the request: a session to (re)issue the cookie for, or null to clear it. */
export type CookieWriter = (session: AnySession | null) => void

export const DEFAULT_CLOCK_SKEW_SECONDS = 60

export async function openSession (deps: OpenDeps, cookie: VerifiedCookie | null, writeCookie: CookieWriter): Promise<OpenedSession> {
  const { store, format, options, clock } = deps
  const hooks: SessionHooks = {
    cookie: writeCookie,
    newId: deps.newId,
    end: (id, createdAt) => endSession(deps, id, createdAt)
  }
  const now = clock()
  const content = cookie ? format.read(cookie.value) : null
  const renew = cookie?.renew ?? false
  if (!content) return publishOpen(store, 'new', 'no-cookie', { session: await start(deps, hooks), replaced: null })

  const { id, createdAt } = content
  if (createdAt !== null) {
    if (createdAt > now + options.clockSkewSeconds) return publishOpen(store, 'new', 'future', { session: await start(deps, hooks), replaced: null })
    if (now - createdAt >= options.maxAgeSeconds) {
      if (!content.unstored) await store.destroy(id)
      if (!content.unstored) publishEnd(store, 'max-age')
      return publishOpen(store, 'lost', 'max-age', { session: await start(deps, hooks), replaced: 'max-age' })
    }
    if (content.unstored) {
      if (now - createdAt >= options.ttlSeconds) return publishOpen(store, 'new', 'issued-expired', { session: await start(deps, hooks), replaced: null })
      const found = await store.loadIssued(id)
      if (found === 'ended') return publishOpen(store, 'lost', 'ended', { session: await start(deps, hooks), replaced: null })
      // Stored meanwhile (a change whose new cookie this request does not carry yet): the session,
      // and its cookie without the mark. Not stored: taken up, still unstored.
      const session = new Session({ id, createdAt, stored: found !== undefined, state: found ?? { data: new Map(), copies: null } }, store, options.limits, hooks)
      if (found || renew) writeCookie(session)
      return publishOpen(store, found ? 'loaded' : 'issued', null, { session, replaced: null })
    }
  }

  const stored = await store.load(id)
  if (!stored) return publishOpen(store, 'lost', 'missing', { session: await start(deps, hooks), replaced: 'expired' })
  const session = new Session({ id, createdAt: createdAt ?? now, stored: true, state: stored }, store, options.limits, hooks)
  if (renew) writeCookie(session) // signed with an older secret
  return publishOpen(store, 'loaded', null, { session, replaced: null })
}

/** A new session: lazy (nothing stored, 0 commands) or, for formats that cannot say so, stored now. */
async function start (deps: OpenDeps, hooks: SessionHooks): Promise<Session> {
  const { store, format, options } = deps
  let state: StoredSession = { data: new Map(), copies: null }
  let id = deps.newId()
  if (!format.lazy) {
    let created
    while (!(created = await store.create(id))) id = deps.newId()
    state = created
  }
  const session = new Session({ id, createdAt: deps.clock(), stored: !format.lazy, state }, store, options.limits, hooks)
  hooks.cookie(session)
  return session
}

/**
 * Ends the record under an end mark (store.destroy), kept at least the idle TTL and, while a "not
 * stored yet" cookie of this id could still count, until that window closes.
 */
async function endSession ({ store, format, options, clock }: OpenDeps, id: string, createdAt: number): Promise<void> {
  const window = format.lazy ? createdAt + options.ttlSeconds + options.clockSkewSeconds - clock() : 0
  await store.destroy(id, Math.max(options.ttlSeconds, window))
  publishEnd(store, 'end')
}
