// The language switch: GET /language?to=zh&back=/cluster remembers the choice in the `lang`
// cookie and answers 303 back to the page it was clicked on. A plain link, so it works without
// JavaScript; a GET, because it changes a display preference only (no session, no data), which the
// CSRF rules are for; `back` must be a path of this site (safeBackPath), never another origin.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { LANGUAGE_COOKIE, safeBackPath } from '../i18n/language.ts'
import { languageQuerySchema } from '../schemas/language.ts'

/** A year: a preference, kept until changed. */
const REMEMBER_SECONDS = 365 * 24 * 3600

export default async function languageRoutes (app: FastifyInstance) {
  const fallback = '/start' // the first chapter
  app.withTypeProvider<TypeBoxTypeProvider>().get('/language', { schema: languageQuerySchema }, async function switchLanguage (request, reply) {
    const { to, back } = request.query
    reply.setCookie(LANGUAGE_COOKIE, to, { path: '/', maxAge: REMEMBER_SECONDS, sameSite: 'lax', httpOnly: true, secure: request.protocol === 'https' })
    return reply.header('cache-control', 'no-store').redirect(safeBackPath(back, fallback), 303)
  })
}
