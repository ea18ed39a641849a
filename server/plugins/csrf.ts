// One guard for every state-changing form (POST /, POST /end, POST /memcache): a preHandler that
// opens the session, refuses a body that failed its route's schema (400) or that does not carry
// this session's CSRF token (403), and otherwise leaves the opened session on the request. The
// refusal is answered by the route's own page (`refuse`), so the message sits next to its form.
//
// The token is HMAC(secret, session id) (session/csrf.ts), bound to the id the signed cookie
// carries. With lazy sessions that id exists before anything is stored, so a first POST verifies.
//
// Beside the token, one hook for every unsafe method (OWASP's Fetch Metadata defence): a browser
// says where a request comes from, and anything but this origin is refused (403) before a route
// runs. `Sec-Fetch-Site` must be `same-origin` or `none` (typed, bookmarked): `same-site` is a
// sibling subdomain, which the token alone would let through with a planted cookie. A browser too
// old for it still sends `Origin` on a POST, which must then be this origin. A client that sends
// neither (curl, scripts) is not a browser a page can drive: the token decides.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CSRF_FIELD, type OpenedSession, verifyCsrfToken } from '@memcache-session/fastify'
import { MESSAGES, type Messages } from '../i18n/messages.ts'

export interface FormRefusal {
  status: 400 | 403
  reason: 'invalid-form' | 'csrf'
  /** The fields as sent, when they had the right shape (to refill the form). */
  form: Record<string, string | undefined> | undefined
}

export type RefusalPage = (request: FastifyRequest, reply: FastifyReply, opened: OpenedSession, refusal: FormRefusal) => Promise<unknown> | unknown

export type FormGuard = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>

declare module 'fastify' {
  interface FastifyInstance {
    /** A preHandler for a form route: session opened, shape and CSRF token checked. */
    formGuard (refuse: RefusalPage): FormGuard
  }
  interface FastifyRequest {
    /** Set by the form guard before the handler runs. */
    guardedSession: OpenedSession | null
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
const ALLOWED_FETCH_SITES = new Set(['same-origin', 'none'])
const OTHER_ORIGIN = 'its Origin is another site'

/** Why a request with an unsafe method did not come from this origin, or null when it did (or cannot say). */
export function crossOriginReason (request: FastifyRequest): string | null {
  if (SAFE_METHODS.has(request.method)) return null
  const site = request.headers['sec-fetch-site']
  if (site !== undefined) return ALLOWED_FETCH_SITES.has(String(site)) ? null : `Sec-Fetch-Site: ${String(site).slice(0, 20)}`
  const origin = request.headers.origin
  if (origin === undefined) return null
  return origin === `${request.protocol}://${request.host}` ? null : OTHER_ORIGIN
}

class CrossOriginError extends Error {
  readonly statusCode = 403
  constructor (reason: string, words: Messages['errors']) {
    super(words.crossOrigin(reason === OTHER_ORIGIN ? words.otherOrigin : reason))
  }
}

async function csrfPlugin (app: FastifyInstance) {
  app.decorateRequest('guardedSession', null)

  // A callback hook, not an async one: it runs on every request, and a promise per request shows.
  app.addHook('onRequest', function refuseCrossOrigin (request, _reply, done) {
    const reason = crossOriginReason(request)
    if (!reason) return done()
    request.log.info({ reason }, 'cross-origin request refused')
    done(new CrossOriginError(reason, MESSAGES[request.language].errors))
  })

  app.decorate('formGuard', function formGuard (refuse: RefusalPage): FormGuard {
    return async function checkForm (request, reply) {
      const opened = await app.sessions.open(request, reply)
      request.guardedSession = opened
      const body = request.body
      if (request.validationError || typeof body !== 'object' || body === null) {
        await refuse(request, reply, opened, { status: 400, reason: 'invalid-form', form: undefined })
        return reply
      }
      const form = body as Record<string, string | undefined>
      if (!verifyCsrfToken(app.config.cookieSecrets, opened.session.id, form[CSRF_FIELD])) {
        await refuse(request, reply, opened, { status: 403, reason: 'csrf', form })
        return reply
      }
    }
  })
}

/** The session the form guard opened; a route without the guard has none. */
export function guardedSession (request: FastifyRequest): OpenedSession {
  if (!request.guardedSession) throw new Error(`${request.routeOptions.url ?? request.url} has no form guard`)
  return request.guardedSession
}

export default fp(csrfPlugin, { name: 'csrf', dependencies: ['sessions'] })
