// The plugin on a bare Fastify app against real memcached (src/plugin.ts): the cookie it writes
// and reads, `__Host-` over HTTPS, one open per request, an app's own @fastify/cookie kept, and
// admitNewSession refusing an eager session before anything is stored.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import cookie from '@fastify/cookie'
import { makeClient, startCluster } from '../../../test/support/nodes.ts'
import { sessionPlugin } from '../src/plugin.ts'
import type { SessionPluginOptions } from '../src/plugin-options.ts'
import { SessionError } from '../src/errors.ts'

const SECRET = 'a-secret-that-is-long-enough-0123456789'

async function setup (t: Parameters<typeof startCluster>[0], options: Partial<SessionPluginOptions> = {}, before?: (app: ReturnType<typeof Fastify>) => Promise<void>) {
  const cluster = await startCluster(t, [1, 1])
  const client = makeClient(t, cluster, { timeoutMs: 5000 }) // a loaded machine is no failure here
  const app = Fastify({ trustProxy: true })
  t.after(() => app.close())
  if (before) await before(app)
  await app.register(sessionPlugin, { client, secret: SECRET, ...options })
  app.get('/', async (request, reply) => {
    const { session } = await app.sessions.open(request, reply)
    const again = await app.sessions.open(request, reply)
    return { id: session.id, same: again.session === session, stored: session.stored, name: session.get('name') ?? null }
  })
  app.post('/', async (request, reply) => {
    const { session } = await app.sessions.open(request, reply)
    await session.set('name', 'Ada')
    return { id: session.id }
  })
  await app.ready()
  return { app, client }
}

const cookieOf = (setCookie: string | string[] | undefined) => String(Array.isArray(setCookie) ? setCookie[0] : setCookie).split(';')[0]!

test('a first view stores nothing and sets a signed sid; a write stores the session; the cookie brings it back', async (t) => {
  const { app, client } = await setup(t)
  const first = await app.inject({ url: '/' })
  const body = first.json()
  assert.equal(body.stored, false)
  assert.equal(body.same, true, 'a second open in the same request is the same session')
  const sid = cookieOf(first.headers['set-cookie'])
  assert.match(sid, /^sid=[0-9a-f]{32}\.\d+\.new\./)
  assert.match(String(first.headers['set-cookie']), /HttpOnly; SameSite=Lax/)
  assert.doesNotMatch(String(first.headers['set-cookie']), /Secure/, 'plain HTTP: no Secure (it would be dropped)')
  assert.equal(await client.get(body.id), undefined)

  const write = await app.inject({ method: 'POST', url: '/', headers: { cookie: sid } })
  assert.equal(write.json().id, body.id)
  const stored = cookieOf(write.headers['set-cookie'])
  assert.doesNotMatch(stored, /\.new\./, 'the first store re-issues the cookie without the mark')
  assert.deepEqual(JSON.parse(String(await client.get(body.id))), { name: 'Ada' })

  const view = await app.inject({ url: '/', headers: { cookie: stored } })
  assert.deepEqual({ ...view.json<Record<string, unknown>>(), id: null }, { id: null, same: true, stored: true, name: 'Ada' })
  const forged = await app.inject({ url: '/', headers: { cookie: stored.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) } })
  assert.notEqual(forged.json().id, body.id, 'a cookie whose signature fails starts another session')
})

test('over HTTPS the cookie is Secure and named __Host-sid; hostPrefix: false keeps sid', async (t) => {
  const { app } = await setup(t)
  const https = await app.inject({ url: '/', headers: { 'x-forwarded-proto': 'https' } })
  assert.match(String(https.headers['set-cookie']), /^__Host-sid=.*; Path=\/; HttpOnly; Secure; SameSite=Lax/)
  const back = await app.inject({ url: '/', headers: { 'x-forwarded-proto': 'https', cookie: cookieOf(https.headers['set-cookie']) } })
  assert.equal(back.json().id, https.json().id, 'read back under its __Host- name')

  const { app: plain } = await setup(t, { hostPrefix: false, secure: 'always' })
  const response = await plain.inject({ url: '/' })
  assert.match(String(response.headers['set-cookie']), /^sid=.*; Secure/)
})

test('an app that registered @fastify/cookie itself, with its own secret, keeps it, and sessions still verify', async (t) => {
  const { app } = await setup(t, {}, async (app) => { await app.register(cookie, { secret: 'the app\'s own secret for its own cookies' }) })
  assert.equal(app.signCookie('x').startsWith('x.'), true, 'the app\'s signer is still there')
  const first = await app.inject({ method: 'POST', url: '/' })
  const view = await app.inject({ url: '/', headers: { cookie: cookieOf(first.headers['set-cookie']) } })
  assert.equal(view.json().id, first.json().id)
  assert.equal(view.json().name, 'Ada')
})

test('tornado format: eager, and admitNewSession refuses a new session before anything is stored', async (t) => {
  const admitted: string[] = []
  let refuse = false
  const { app, client } = await setup(t, {
    cookieFormat: 'tornado',
    cookieName: 'uc',
    admitNewSession (request, reply, id) {
      if (refuse) {
        reply.header('retry-after', '30')
        throw new SessionError('Too many new sessions.', 429)
      }
      admitted.push(id)
    }
  })
  const first = await app.inject({ url: '/' })
  assert.equal(first.json().stored, true, 'tornado sessions are stored on the first visit')
  assert.deepEqual(admitted, [first.json().id])
  assert.deepEqual(JSON.parse(String(await client.get(first.json().id))), {})
  assert.match(cookieOf(first.headers['set-cookie']), /^uc=2\|1:0\|10:\d+\|2:uc\|/)

  refuse = true
  const refused = await app.inject({ url: '/' })
  assert.equal(refused.statusCode, 429)
  assert.equal(refused.headers['retry-after'], '30')
  // A visitor with a session is never asked.
  const back = await app.inject({ url: '/', headers: { cookie: cookieOf(first.headers['set-cookie']) } })
  assert.equal(back.json().id, first.json().id)
})
