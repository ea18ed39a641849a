// EJS templates from views/ (escaped output with <%= %>) and static assets from public/.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import view from '@fastify/view'
import fastifyStatic from '@fastify/static'
import ejs from 'ejs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

// Every name the templates read. EJS then declares them as plain variables instead of wrapping
// each template in `with (locals)`, which made variable lookups the templates' main cost.
const TEMPLATE_LOCALS = [
  'title', 'body', 'playground', // layout
  'entries', 'stored', 'node', 'csrf', 'csrfField', 'limits', 'ttlMinutes', 'notice', 'error', 'form', // session
  'overview', 'charts', 'found', 'key', 'percent', 'chart', 'id', // cluster, bar chart
  'cards', 'pg', 'transcript', 'label', // playground
  'heading', 'message', 'status' // error
]

async function viewsPlugin (app: FastifyInstance) {
  await app.register(view, {
    engine: { ejs },
    root: `${root}views`,
    layout: 'layout.ejs',
    options: { _with: false, destructuredLocals: TEMPLATE_LOCALS },
    defaultContext: { title: 'memcache-session', playground: app.config.playground }
  })
  await app.register(fastifyStatic, {
    root: `${root}public`,
    prefix: '/public/',
    maxAge: '1h'
  })
}

export default fp(viewsPlugin, { name: 'views' })
