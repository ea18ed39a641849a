// Session values are any JSON (src/session.ts, src/limits.ts checkValue), on the plugin against a
// real memcached node: stored in the record as the Python original's dict holds them, read back
// by the next request, refused before anything is written when they are not JSON, and kept as
// stored rather than as the caller's object. Their types: test/session-types.ts (tsc).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { makeClient, startCluster } from '../../../test/support/nodes.ts'
import { sessionPlugin } from '../src/plugin.ts'
import { SessionInputError, SessionLimitError } from '../src/errors.ts'
import type { JsonValue } from '../src/record.ts'
import type { Session } from '../src/session.ts'

interface Cart { items: Array<{ sku: string, quantity: number }>, owner?: { name: string } }

test('objects and arrays are stored as JSON in the record, and the next request reads them back', async (t) => {
  const cluster = await startCluster(t, [1])
  const client = makeClient(t, cluster, { timeoutMs: 5000 }) // a loaded machine is no failure here
  const app = Fastify()
  t.after(() => app.close())
  await app.register(sessionPlugin, { client, secret: 'a-secret-that-is-long-enough-0123456789', replicas: 0, limits: { maxValueBytes: 1024 } })
  const seen: Array<{ id: string, items: Cart['items'] | undefined, owner: Cart['owner'] | undefined, version: number | null }> = []
  let change: ((session: Session<Cart>) => Promise<void>) | null = null
  app.get('/', async (request, reply) => {
    const { session } = await app.sessions.open<Cart>(request, reply)
    if (change) await change(session)
    seen.push({ id: session.id, items: session.get('items'), owner: session.get('owner'), version: session.version })
    return 'ok'
  })
  await app.ready()
  let cookie = ''
  const visit = async () => {
    const response = await app.inject({ url: '/', headers: cookie ? { cookie } : {} })
    assert.equal(response.statusCode, 200, response.body)
    const set = response.headers['set-cookie']
    if (set) cookie = String(set).split(';')[0]!
  }

  const items = [{ sku: 'A-1', quantity: 2 }]
  change = async (session) => {
    await session.set('items', items)
    await session.set('owner', { name: 'Ada' })
    items[0]!.quantity = 99 // the caller's object changes afterwards: the session keeps what it stored
  }
  await visit()
  const { id } = seen[0]!
  assert.deepEqual(seen[0]!.items, [{ sku: 'A-1', quantity: 2 }])
  assert.deepEqual(JSON.parse(String(await client.get(id))), { items: [{ sku: 'A-1', quantity: 2 }], owner: { name: 'Ada' } }, 'a JSON dict, as the Python original stores')

  change = async (session) => { await session.set('items', [{ sku: 'A-1', quantity: 2 }]) } // the same value again
  await visit()
  assert.deepEqual(seen[1], { ...seen[0], version: seen[1]!.version })
  assert.equal(seen[1]!.version, seen[0]!.version, 'an unchanged value is not written again')

  change = null
  await visit()
  assert.deepEqual(seen[2]!.owner, { name: 'Ada' })
})

test('a value that is not JSON is refused before anything is written; a string still counts its own bytes', async (t) => {
  const cluster = await startCluster(t, [1])
  const client = makeClient(t, cluster, { timeoutMs: 5000 }) // a loaded machine is no failure here
  const app = Fastify()
  t.after(() => app.close())
  await app.register(sessionPlugin, { client, secret: 'a-secret-that-is-long-enough-0123456789', replicas: 0, limits: { maxValueBytes: 1024 } })
  const cyclic: Record<string, unknown> = {}
  cyclic.self = cyclic
  const refused: Array<[string, unknown, RegExp]> = [
    ['undefined', undefined, /must be JSON, not undefined/],
    ['a function', () => 1, /must be JSON, not function/],
    ['NaN', Number.NaN, /NaN is not a JSON number/],
    ['Infinity', Number.POSITIVE_INFINITY, /Infinity is not a JSON number/],
    ['a bigint', 10n, /must be JSON: .*BigInt/],
    ['a cycle', cyclic, /must be JSON: .*circular/]
  ]
  const outcomes: string[] = []
  app.get('/', async (request, reply) => {
    const { session } = await app.sessions.open(request, reply)
    for (const [what, value, message] of refused) {
      await assert.rejects(session.set('k', value as JsonValue), (error: unknown) => error instanceof SessionInputError && error.code === 'MC_SESSION_ERR_INPUT' && message.test(error.message), what)
      outcomes.push(what)
    }
    // A string's limit counts its UTF-8 bytes, not its JSON text (quotes, escapes): 1024 bytes fit.
    await session.set('text', '"'.repeat(1024))
    await assert.rejects(session.set('object', { text: 'x'.repeat(1020) }), SessionLimitError, 'an object counts its JSON text')
    return { id: session.id, stored: session.stored }
  })
  const response = await app.inject({ url: '/' })
  assert.equal(response.statusCode, 200, response.body)
  assert.deepEqual(outcomes, refused.map(([what]) => what))
  assert.deepEqual(JSON.parse(String(await client.get(response.json().id))), { text: '"'.repeat(1024) }, 'only the string was written')
})
