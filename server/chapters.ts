// The tutorial as a path: its chapters in its own order (start memcached; the client API; CAS with
// two clients; several weighted nodes; sessions in memcached), numbered in the navigation, each
// page ending with a link to the next. The session page stays at `/` because the Python original
// serves it there (the interop tests and the README's curl lines post to `/`): the path starts at
// /start and ends at `/`.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { MESSAGES } from './i18n/messages.ts'
import { DEFAULT_LANGUAGE, type Language } from './i18n/language.ts'
import { addRouteOnRequest } from './route-hooks.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** @fastify/view's per-reply template data (merged into every reply.view). */
    locals: Record<string, unknown> | null
  }
}

export interface Chapter {
  number: number
  path: string
  /** The short name in the navigation. */
  nav: string
  /** The chapter's name where a page links to it ("Next: 2. The client API"). */
  title: string
  /** The page's <title>. */
  pageTitle: string
}

// The names are each language's (server/i18n/*/common.ts, keyed by path).
const ALL = [
  { path: '/start', playground: false },
  { path: '/memcache', playground: true },
  { path: '/cas', playground: true },
  { path: '/cluster', playground: false },
  { path: '/', playground: false }
] as const

/** The chapters this app serves, numbered: without the playground (PLAYGROUND=off) its two are gone. */
export function chapters (playground: boolean, language: Language = DEFAULT_LANGUAGE): Chapter[] {
  const names = MESSAGES[language].chapters
  return ALL.filter((c) => playground || !c.playground).map(({ path }, i) => ({ number: i + 1, path, ...names[path] }))
}

/**
 * Tells the layout which chapter a page is (`chapterPath`, read by views/layout.ejs for the
 * navigation's aria-current and the "Next" link). Bound when each route is added: a chapter's
 * route gets a hook of its own, with its path; every other route (health, values, the language
 * switch, the static files) none.
 */
async function chaptersPlugin (app: FastifyInstance) {
  const paths = new Set<string>(chapters(app.config.playground).map((c) => c.path))
  app.addHook('onRoute', function chapterOfRoute (route) {
    const chapterPath = route.url
    if (!paths.has(chapterPath)) return
    addRouteOnRequest(route, function markChapter (_request, reply, done) {
      reply.locals = { ...(reply.locals ?? {}), chapterPath }
      done()
    })
  })
}

export default fp(chaptersPlugin, { name: 'chapters', dependencies: ['views'] })
