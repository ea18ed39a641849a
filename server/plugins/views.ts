// EJS templates from views/ (escaped output with <%= %>) and static assets from public/.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import view from '@fastify/view'
import fastifyStatic from '@fastify/static'
import ejs from 'ejs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../', import.meta.url))

async function viewsPlugin (app: FastifyInstance) {
  await app.register(view, {
    engine: { ejs },
    root: `${root}views`,
    layout: 'layout.ejs',
    defaultContext: { title: 'memcache-session', playground: app.config.playground }
  })
  await app.register(fastifyStatic, {
    root: `${root}public`,
    prefix: '/public/',
    maxAge: '1h'
  })
}

export default fp(viewsPlugin, { name: 'views' })
