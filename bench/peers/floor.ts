// The least a session page can cost: one memjs get for the id in the cookie, and the page; a
// write is that get plus one set. No signing, no CSRF, no security headers, no routing beyond
// memjs's own. FLOOR_PAGE=small answers a bare form and table instead of the app's page.
import Fastify from 'fastify'
import formbody from '@fastify/formbody'
import memjs from 'memjs'
import { randomBytes } from 'node:crypto'
import { COOKIE_NAME, hosts, page, port, smallPage, TTL_SECONDS } from './shared.ts'

const render = process.env.FLOOR_PAGE === 'small' ? smallPage : page

const client = new memjs.Client(hosts.map((h) => { const [host, p] = h.split(':'); return new memjs.Server(host!, Number(p), '', '') }), { retries: 1, logger: { log () {} } }) as unknown as {
  get (key: string): Promise<{ value: Buffer | null }>
  set (key: string, value: string, options: { expires: number }): Promise<boolean>
}
const app = Fastify()
await app.register(formbody)

function sessionId (cookieHeader: string | undefined): string | null {
  const match = cookieHeader && new RegExp(`(?:^|; )${COOKIE_NAME}=([0-9a-f]{32})`).exec(cookieHeader)
  return match ? match[1]! : null
}

app.get('/', async (request, reply) => {
  const id = sessionId(request.headers.cookie)
  const { value } = id ? await client.get(id) : { value: null }
  reply.type('text/html')
  return render(value ? JSON.parse(value.toString()) : {})
})

app.post('/', async (request, reply) => {
  const { key, val } = request.body as { key: string, val: string }
  let id = sessionId(request.headers.cookie)
  const { value } = id ? await client.get(id) : { value: null }
  const data = value ? JSON.parse(value.toString()) : {}
  data[key] = val
  if (!id) {
    id = randomBytes(16).toString('hex')
    reply.header('set-cookie', `${COOKIE_NAME}=${id}; Path=/; HttpOnly; SameSite=Lax`)
  }
  await client.set(id, JSON.stringify(data), { expires: TTL_SECONDS })
  return reply.redirect('/', 303)
})

await app.listen({ port, host: '127.0.0.1' })
// Exit (not die) on SIGTERM, so that `node --cpu-prof` writes its profile (bench/profile.ts).
process.once('SIGTERM', () => process.exit(0))
