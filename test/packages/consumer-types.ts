// Type-checked against the packed packages' .d.ts by test/packages/consumer.test.ts (strict, no
// skipLibCheck): what a TypeScript user of the packages writes.
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { isNodeFailure, MemcacheClient, type CasValue, type CommandEndMessage } from '@memcache-session/client'
import { binaryTransport } from '@memcache-session/client/binary'
import memcacheSession, { DEFAULT_LIMITS, SessionStore, type JsonValue, type OpenedSession } from '@memcache-session/fastify'

const client = new MemcacheClient({ servers: [{ host: '127.0.0.1', port: 11211, weight: 1 }], transport: binaryTransport })
const store = new SessionStore(client, { ttlSeconds: 60, limits: DEFAULT_LIMITS })
const read: Promise<CasValue | undefined> = client.gets('key')
const onEnd = (message: CommandEndMessage): string => `${message.command} ${message.outcome} ${message.durationMs}`
// @ts-expect-error the protocol is a word, not a number
const protocol: number = client.protocol

const app = Fastify()
await app.register(memcacheSession, { client, secret: ['the newest secret signs', 'an older one verifies'], cookieFormat: 'tornado', replicas: 0 })
// @ts-expect-error replicas are 0 or 1
await app.register(memcacheSession, { client, secret: 's', replicas: 2 })
app.get('/', async (request, reply): Promise<string> => {
  const opened: OpenedSession = await app.sessions.open(request, reply)
  return `${opened.session.id} ${app.sessions.logId(opened.session.id)}`
})
// Session values typed by a JSON generic: an interface of JSON values is accepted, a wrong value refused.
interface Visit { count: number, pages: string[], who?: { name: string } }
app.post('/visit', async (request, reply): Promise<number> => {
  const { session } = await app.sessions.open<Visit>(request, reply)
  const count = (session.get('count') ?? 0) + 1
  await session.set('count', count)
  await session.set('pages', [...(session.get('pages') ?? []), request.url])
  // @ts-expect-error a count is a number, not text
  await session.set('count', 'one more')
  return count
})
const anyJson: JsonValue | undefined = (await app.sessions.open({} as FastifyRequest, {} as FastifyReply)).session.get('anything')
export { store, read, onEnd, protocol, isNodeFailure, anyJson }
