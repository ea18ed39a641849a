// A plain JavaScript app on the two packed packages, as a user would write it after
// `npm install @memcache-session/client @memcache-session/fastify fastify`.
// test/packages/consumer.test.ts copies it into an empty project and runs it against real memcached.
// SERVERS: the nodes as JSON ([{ host, port, weight }]). Prints {"port":…,"node":…} once listening.
import Fastify from 'fastify'
import { MemcacheClient } from '@memcache-session/client'
import memcacheSession from '@memcache-session/fastify'

const client = new MemcacheClient({ servers: JSON.parse(process.env.SERVERS) }) // meta, python-memcached's routing
const app = Fastify()
await app.register(memcacheSession, { client, secret: 'a consumer secret, long enough to sign cookies', ttlSeconds: 600 }) // two copies of every record
app.addHook('onClose', async () => client.close())

const view = (session) => ({ stored: session.stored, nodes: client.routeChain(session.id).slice(0, 2), data: Object.fromEntries(session.entries()) })

app.get('/', async (request, reply) => view((await app.sessions.open(request, reply)).session))
app.post('/set', async (request, reply) => {
  const { session } = await app.sessions.open(request, reply)
  await session.set(request.query.key, request.query.value) // a compare-and-swap on both copies
  return view(session)
})

await app.listen({ port: 0, host: '127.0.0.1' })
console.log(JSON.stringify({ port: app.server.address().port, node: process.version }))
