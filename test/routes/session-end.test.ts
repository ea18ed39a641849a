// End session (POST /end) and lazy sessions through the app, on four real memcached nodes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, makeClient, pageError, startCluster, TEST_SECRET, Visitor } from '../helper.ts'
import { signerFor } from '../cookie-signing.ts'
import type { MemcacheClient } from '@memcache-session/client'
import type { FastifyInstance } from 'fastify'

function postEnd (app: FastifyInstance, cookie: string | undefined, csrf: string | undefined) {
  return app.inject({
    method: 'POST',
    url: '/end',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie: `uc=${cookie}` } : {}) },
    payload: csrf === undefined ? '' : new URLSearchParams({ _csrf: csrf }).toString()
  })
}

/** Items in the whole cluster, as memcached counts them. */
async function items (mc: MemcacheClient): Promise<number> {
  let total = 0
  for (let i = 0; i < mc.nodes.length; i++) total += Number((await mc.stats(i)).curr_items)
  return total
}

test('End session', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const mc = makeClient(t, cluster)

  await t.test('deletes the record, clears the cookie, and the old cookie never loads anything again', async () => {
    const visitor = new Visitor(app)
    const firstCookie = (await visitor.get(), visitor.cookie!) // marked "not stored yet"
    await visitor.set('secret', 'x')
    const id = visitor.sessionId!
    const oldCookie = visitor.cookie!
    assert.match(visitor.csrf!, /./)
    assert.match((await visitor.get()).body, /<button type="submit">End session<\/button>/)

    const ended = await postEnd(app, oldCookie, visitor.csrf)
    assert.equal(ended.statusCode, 303)
    assert.equal(ended.headers.location, '/?notice=ended')
    const cleared = ended.cookies.find((c) => c.name === 'uc')!
    assert.equal(cleared.value, '')
    assert.ok(cleared.expires! <= new Date())
    assert.notEqual(await mc.get(id), '{"secret":"x"}')

    for (const replayed of [oldCookie, firstCookie]) {
      const page = await app.inject({ url: '/', headers: { cookie: `uc=${replayed}` } })
      assert.equal(page.statusCode, 200)
      assert.doesNotMatch(page.body, /<td>secret<\/td>/)
      const issued = page.cookies.find((c) => c.name === 'uc')!
      assert.notEqual(decodeURIComponent(issued.value).slice(0, 32), id) // never the old id
    }
  })

  await t.test('is CSRF-protected: without the token, or with another session\'s, nothing is ended', async () => {
    const victim = new Visitor(app)
    await victim.set('keep', 'me')
    const attacker = new Visitor(app)
    await attacker.get()
    for (const csrf of [undefined, '', attacker.csrf]) {
      const response = await postEnd(app, victim.cookie, csrf)
      assert.equal(response.statusCode, 403)
      assert.match(pageError(response.body) ?? '', /CSRF check failed/)
    }
    assert.equal((await victim.data()).keep, 'me')
  })

  await t.test('works for a session that stored nothing yet', async () => {
    const visitor = new Visitor(app)
    await visitor.get()
    const id = visitor.sessionId
    const ended = await postEnd(app, visitor.cookie, visitor.csrf)
    assert.equal(ended.statusCode, 303)
    const page = await app.inject({ url: '/', headers: { cookie: `uc=${visitor.cookie}` } })
    assert.notEqual(decodeURIComponent(page.cookies.find((c) => c.name === 'uc')!.value).slice(0, 32), id)
  })
})

test('lazy sessions: cookieless page views store nothing; the first POST works', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const mc = makeClient(t, cluster)
  const before = await items(mc)
  let sets = 0
  for (let i = 0; i < mc.nodes.length; i++) sets += Number((await mc.stats(i)).cmd_set)
  for (let i = 0; i < 200; i++) assert.equal((await app.inject({ url: '/' })).statusCode, 200)
  assert.equal(await items(mc), before)
  let setsAfter = 0
  for (let i = 0; i < mc.nodes.length; i++) setsAfter += Number((await mc.stats(i)).cmd_set)
  assert.equal(setsAfter, sets)

  const visitor = new Visitor(app)
  await visitor.get()
  await visitor.set('first', 'post')
  assert.equal(await items(mc), before + 2) // the record and its copy
  assert.equal((await visitor.data()).first, 'post')
})

test('lazy sessions: a marked cookie is taken up only when this app signed it and within the idle TTL', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { SESSION_TTL_SECONDS: '600' })
  const sign = signerFor(TEST_SECRET)
  const now = Math.floor(Date.now() / 1000)
  const id = 'ab'.repeat(16)
  const takenUp = (response: { cookies: Array<{ name: string, value: string }> }) => {
    const uc = response.cookies.find((c) => c.name === 'uc')
    return uc === undefined || decodeURIComponent(uc.value).startsWith(id)
  }

  const fresh = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(sign(`${id}.${now - 10}.new`))}` } })
  assert.equal(takenUp(fresh), true)
  const old = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(sign(`${id}.${now - 600}.new`))}` } })
  assert.equal(takenUp(old), false)
  const future = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(sign(`${id}.9999999999`))}` } })
  assert.equal(takenUp(future), false)
  const forged = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(signerFor('another-secret-that-is-long-enough-0123')(`${id}.${now}.new`))}` } })
  assert.equal(takenUp(forged), false)
  for (const unsigned of [`${id}.${now}.new`, `${id}.${now}.new.`, `${id}.${now}.new.AAAA`]) {
    const response = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(unsigned)}` } })
    assert.equal(response.statusCode, 200)
    assert.equal(takenUp(response), false, unsigned)
  }
  // A stored session's cookie cannot be turned into a marked one: the mark is inside the signature.
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')
  const [sid, created, sig] = decodeURIComponent(visitor.cookie!).split('.')
  const stripped = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(`${sid}.${created}.new.${sig}`)}` } })
  assert.notEqual(decodeURIComponent(stripped.cookies.find((c) => c.name === 'uc')!.value).slice(0, 32), sid)
})
