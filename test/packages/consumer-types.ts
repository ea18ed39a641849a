// Type-checked against the packed packages' .d.ts by test/packages/consumer.test.ts (strict, no
// skipLibCheck): what a TypeScript user of the packages writes.
import { isNodeFailure, MemcacheClient, type CasValue, type CommandEndMessage } from '@memcache-session/client'
import { binaryTransport } from '@memcache-session/client/binary'
import { DEFAULT_LIMITS, SessionStore } from '@memcache-session/fastify'

const client = new MemcacheClient({ servers: [{ host: '127.0.0.1', port: 11211, weight: 1 }], transport: binaryTransport })
const store = new SessionStore(client, { ttlSeconds: 60, limits: DEFAULT_LIMITS })
const read: Promise<CasValue | undefined> = client.gets('key')
const onEnd = (message: CommandEndMessage): string => `${message.command} ${message.outcome} ${message.durationMs}`
// @ts-expect-error the protocol is a word, not a number
const protocol: number = client.protocol
export { store, read, onEnd, protocol, isNodeFailure }
