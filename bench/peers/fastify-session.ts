// @fastify/session with the connect-memcached store: the Fastify ecosystem's session answer.
// Settings: rolling (its default) so that each visit slides the expiry as ours does;
// saveUninitialized false (no write for a visitor who changes nothing).
import Fastify from 'fastify'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import fastifySession from '@fastify/session'
import connectMemcached from 'connect-memcached'
import { COOKIE_NAME, hosts, page, port, secret, TTL_SECONDS } from './shared.ts'

declare module 'fastify' {
  interface Session { data?: Record<string, string> }
}

const MemcachedStore = connectMemcached(fastifySession)
const app = Fastify()
await app.register(cookie)
await app.register(formbody)
await app.register(fastifySession, {
  secret,
  cookieName: COOKIE_NAME,
  cookie: { secure: false, httpOnly: true, sameSite: 'lax', maxAge: TTL_SECONDS * 1000 },
  rolling: true,
  saveUninitialized: false,
  store: new MemcachedStore({ hosts, ttl: TTL_SECONDS }) as fastifySession.SessionStore
})

app.get('/', async (request, reply) => {
  reply.type('text/html')
  return page(request.session.get('data') ?? {})
})

app.post('/', async (request, reply) => {
  const { key, val } = request.body as { key: string, val: string }
  request.session.set('data', { ...(request.session.get('data') ?? {}), [key]: val })
  return reply.redirect('/', 303)
})

await app.listen({ port, host: '127.0.0.1' })
