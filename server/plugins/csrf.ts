// One guard for every state-changing form (POST /, POST /end, POST /memcache): a preHandler that
// opens the session, refuses a body that failed its route's schema (400) or that does not carry
// this session's CSRF token (403), and otherwise leaves the opened session on the request. The
// refusal is answered by the route's own page (`refuse`), so the message sits next to its form.
//
// The token is HMAC(secret, session id) (session/csrf.ts), bound to the id the signed cookie
// carries. With lazy sessions that id exists before anything is stored, so a first POST verifies.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CSRF_FIELD, type OpenedSession, verifyCsrfToken } from '@memcache-session/fastify'

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

async function csrfPlugin (app: FastifyInstance) {
  app.decorateRequest('guardedSession', null)

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
