// The page's language (server/i18n/language.ts): chosen once per request, from the `lang` cookie or
// Accept-Language, and handed to the templates as one precomputed set of locals per language (the
// message table, <html lang>, the chapters' names, formatDuration in its words). Per request that
// is a cookie read, a memoised header lookup and an Object.assign. HTML answers say what they vary
// on, so a cache never serves one visitor's language to another.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { chooseLanguage, HTML_LANG, LANGUAGE_COOKIE, LANGUAGES, MAX_BACK_PATH, type Language } from '../i18n/language.ts'
import { MESSAGES, type Messages } from '../i18n/messages.ts'
import { chapters } from '../chapters.ts'
import { durationFormatter } from '../format.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The language this request's page is in. */
    language: Language
  }
}

export interface LanguageLocals {
  language: Language
  htmlLang: string
  t: Messages
  chapters: ReturnType<typeof chapters>
  formatDuration: (seconds: number) => string
}

/** Each language's template locals, built once. */
export function languageLocals (playground: boolean): Record<Language, LanguageLocals> {
  return Object.fromEntries(LANGUAGES.map((language) => [language, {
    language,
    htmlLang: HTML_LANG[language],
    t: MESSAGES[language],
    chapters: chapters(playground, language),
    formatDuration: durationFormatter(MESSAGES[language].units)
  }])) as Record<Language, LanguageLocals>
}

/** The language of a request no hook has seen (Fastify's frameworkErrors): read from its headers. */
export function languageOf (request: FastifyRequest): Language {
  const cookie = /(?:^|;\s*)lang=([a-z]{2})(?:;|$)/.exec(String(request.headers.cookie ?? ''))?.[1]
  return chooseLanguage(cookie, request.headers['accept-language'])
}

const VARY = 'Accept-Language, Cookie'

async function i18nPlugin (app: FastifyInstance) {
  const locals = languageLocals(app.config.playground)
  app.decorate('languageLocals', locals)
  app.decorateRequest('language', 'en')

  // Callback hooks, not async ones: they run on every request, and a promise each per request shows.
  app.addHook('onRequest', function pickLanguage (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    const language = chooseLanguage(request.cookies[LANGUAGE_COOKIE], request.headers['accept-language'])
    request.language = language
    const page: Record<string, unknown> = reply.locals ?? {}
    // Where the switch in the header comes back to: this page, or for a form's answer its chapter.
    const backPath = request.method === 'GET' && request.url.length <= MAX_BACK_PATH ? request.url : ((page.chapterPath as string | undefined) ?? '/')
    reply.locals = Object.assign(page, locals[language])
    page.backPath = backPath
    done()
  })

  app.addHook('onSend', function varyOnLanguage (_request, reply, payload, done) {
    const type = reply.getHeader('content-type')
    if (typeof type === 'string' && type.startsWith('text/html')) {
      const vary = reply.getHeader('vary')
      reply.header('vary', vary ? `${String(vary)}, ${VARY}` : VARY)
    }
    done(null, payload)
  })
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Each language's template locals (for pages rendered with app.view, which reads no reply.locals). */
    languageLocals: Record<Language, LanguageLocals>
  }
}

export default fp(i18nPlugin, { name: 'i18n', dependencies: ['views', 'chapters'] })
