// Type test, not run: `npm run typecheck` (tsc -p .) compiles it, and each `@ts-expect-error` line
// must be an error, or the check fails. It proves session values are typed by a JSON generic
// (src/record.ts JsonShape, src/session.ts Session<T>): what is JSON passes, what is not is refused.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { JsonValue, OpenedSession, Session } from '../src/index.ts'

interface User { name: string, roles: string[] } // an interface: no index signature, still JSON
interface Cart { items: Array<{ sku: string, quantity: number }>, user?: User, note: string | null }

export async function typedSession (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<number> {
  const { session }: OpenedSession<Cart> = await app.sessions.open<Cart>(request, reply)
  const items = session.get('items') // Cart['items'] | undefined
  await session.set('items', [...(items ?? []), { sku: 'A-1', quantity: 2 }])
  await session.set('user', { name: 'Ada', roles: ['admin'] })
  await session.set('note', null)
  await session.delete('user')
  // @ts-expect-error a quantity is a number, not text
  await session.set('items', [{ sku: 'A-1', quantity: 'two' }])
  // @ts-expect-error no such key in a Cart
  session.get('total')
  return items?.length ?? 0
}

export async function untypedSession (app: FastifyInstance, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // The default: any key, any JSON value (the Python original's dict).
  const { session } = await app.sessions.open(request, reply)
  const value: JsonValue | undefined = session.get('anything')
  await session.set('nested', { list: [1, 'two', true, null, { deeper: [] }] })
  await session.set('copy', value ?? 'none')
  // @ts-expect-error a Date is not JSON (JSON.stringify would make it a string, read back as one)
  await session.set('when', new Date())
  // @ts-expect-error undefined is not JSON
  await session.set('nothing', undefined)
}

// @ts-expect-error a Map is not JSON: Session<T> refuses such a T at all
export type NotJson = Session<{ seen: Map<string, number> }>
// @ts-expect-error nor a function
export type NotJsonEither = Session<{ callback: () => void }>
