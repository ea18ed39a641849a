// A plain JavaScript app on the two packed packages, as a user would write it after
// `npm install @memcache-session/client @memcache-session/fastify fastify @fastify/cookie`.
// test/packages/consumer.test.ts copies it into an empty project and runs it against real memcached.
// SERVERS: the nodes as JSON ([{ host, port, weight }]). Prints {"port":…} once listening.
import Fastify from 'fastify'
import cookie from '@fastify/cookie'
import { MemcacheClient } from '@memcache-session/client'
import { cookieFormat, DEFAULT_CLOCK_SKEW_SECONDS, DEFAULT_LIMITS, newSessionId, openSession, SessionStore } from '@memcache-session/fastify'

const client = new MemcacheClient({ servers: JSON.parse(process.env.SERVERS) }) // meta, python-memcached's routing
const format = cookieFormat('fastify', 'sid', ['a consumer secret, long enough to sign cookies'])
const store = new SessionStore(client, { ttlSeconds: 600, limits: DEFAULT_LIMITS }) // two copies of every record
const deps = {
  store,
  format,
  options: { ttlSeconds: 600, maxAgeSeconds: 3600, limits: DEFAULT_LIMITS, clockSkewSeconds: DEFAULT_CLOCK_SKEW_SECONDS },
  clock: () => Math.floor(Date.now() / 1000),
  newId: newSessionId
}

const app = Fastify()
await app.register(cookie, { secret: format.signer })
app.addHook('onClose', async () => client.close())

async function open (request, reply) {
  const raw = request.cookies.sid
  const unsigned = raw ? request.unsignCookie(raw) : null
  const verified = unsigned?.valid ? { value: unsigned.value, renew: unsigned.renew } : null
  const { session } = await openSession(deps, verified, (s) => {
    if (s) reply.setCookie('sid', format.write(s), { path: '/', httpOnly: true, sameSite: 'lax', signed: true })
    else reply.clearCookie('sid', { path: '/' })
  })
  return session
}

const view = (session) => ({ stored: session.stored, nodes: client.routeChain(session.id).slice(0, 2), data: Object.fromEntries(session.entries()) })

app.get('/', async (request, reply) => view(await open(request, reply)))
app.post('/set', async (request, reply) => {
  const session = await open(request, reply)
  await session.set(request.query.key, request.query.value) // a compare-and-swap on both copies
  return view(session)
})

await app.listen({ port: 0, host: '127.0.0.1' })
console.log(JSON.stringify({ port: app.server.address().port }))
