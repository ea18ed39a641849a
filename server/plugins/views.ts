// EJS templates from views/ (escaped output with <%= %>), compiled once (server/templates.ts) and
// sent through @fastify/view, and static assets from public/.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import view from '@fastify/view'
import fastifyStatic from '@fastify/static'
import ejs from 'ejs'
import { fileURLToPath } from 'node:url'
import { formatBytes, formatCount, formatDuration } from '../format.ts'
import { languageLocals } from './i18n.ts'
import { compileTemplates, type Render, type Templates } from '../templates.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The pages, each a function for `reply.view(page, data)`: `app.templates.page('index.ejs')`. */
    templates: Templates
    view (page: Render, data?: object): Promise<string>
  }
  // @fastify/view renders a function page by calling it with the merged data (its defaultContext,
  // reply.locals, the data): its own types know only template names.
  interface FastifyReply {
    view (page: Render, data?: object): FastifyReply
  }
}

const root = fileURLToPath(new URL('../../', import.meta.url))

// Every name the templates read. EJS then declares them as plain variables instead of wrapping
// each template in `with (locals)`, which made variable lookups the templates' main cost.
export const TEMPLATE_LOCALS = [
  'title', 'body', 'playground', 'chapters', 'chapterPath', // layout (server/chapters.ts)
  't', 'language', 'htmlLang', 'backPath', // the page's language (plugins/i18n.ts)
  'formatDuration', 'formatBytes', 'formatCount', // helpers
  'entries', 'paging', 'stored', 'node', 'nodeIndex', 'copies', 'version', 'csrf', 'csrfField', 'limits', 'ttlSeconds', 'notices', 'notice', 'error', 'form', 'story', 'storyView', 'casTokens', 'casChange', // session
  'overview', 'pools', 'charts', 'found', 'key', 'pointed', 'percent', 'chart', 'id', // cluster, bar chart
  'cards', 'card', 'pg', 'transcript', 'label', 'prefix', 'maxKeyBytes', 'switchId', 'connectLines', // playground
  'start', // chapter 1, start memcached
  'heading', 'message', 'status' // error
]

/** Functions every template may call. */
export const TEMPLATE_HELPERS = { formatDuration, formatBytes, formatCount }

async function viewsPlugin (app: FastifyInstance) {
  // Compiled once, whatever NODE_ENV says: editing a template means restarting the server. Outside
  // production EJS tracks template lines, so that an error names the line.
  app.decorate('templates', compileTemplates(`${root}views`, { locals: TEMPLATE_LOCALS, debug: !app.config.production }))
  await app.register(view, {
    engine: { ejs },
    root: `${root}views`,
    production: true,
    // English unless the i18n hook says otherwise; no language switch on a page no request asked for (a bare socket's error).
    defaultContext: { title: 'memcache-session', playground: app.config.playground, chapterPath: null, ...TEMPLATE_HELPERS, ...languageLocals(app.config.playground).en, backPath: null }
  })
  await app.register(fastifyStatic, {
    root: `${root}public`,
    prefix: '/public/',
    maxAge: '1h'
  })
  // Browsers ask for /favicon.ico on a first visit whatever the page links: answer it, not a 404.
  app.get('/favicon.ico', function favicon (_request, reply) {
    return reply.sendFile('favicon.ico', { maxAge: '1d' })
  })
}

export default fp(viewsPlugin, { name: 'views' })
