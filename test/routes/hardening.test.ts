// Issue 21, hardening: a cross-site form is refused before any route runs (Fetch Metadata and
// Origin, beside the token); the session cookie is `__Host-uc` whenever it is Secure (a sibling
// subdomain cannot plant it); tornado mode re-signs `uc`, so Tornado's 31-day limit counts from
// the last visit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { signTornadoV2 } from '@memcache-session/fastify'
import { buildTestApp, csrfToken, startCluster, TEST_SECRET, Visitor } from '../helper.ts'
import { tornadoSignedAt as signedAt } from '@memcache-session/fastify'

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

test('a form from another site is refused (403) even with a valid cookie and token; this site\'s forms pass', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  await visitor.get()
  const post = (headers: Record<string, string>, url = '/') => app.inject({
    method: 'POST',
    url,
    headers: { ...FORM, cookie: `uc=${visitor.cookie}`, ...headers },
    payload: new URLSearchParams({ _csrf: visitor.csrf!, action: 'set', key: 'k', val: 'v' }).toString()
  })
  const crossSite: Array<Record<string, string>> = [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }, { origin: 'null' }]
  for (const headers of crossSite) {
    const refused = await post(headers)
    assert.equal(refused.statusCode, 403, JSON.stringify(headers))
    assert.match(refused.body, /This request came from another site/)
  }
  assert.equal((await post({ 'sec-fetch-site': 'cross-site' }, '/end')).statusCode, 403)
  assert.equal((await post({ 'sec-fetch-site': 'cross-site' }, '/memcache')).statusCode, 403)
  assert.deepEqual({ ...await visitor.data() }, {}, 'nothing was written')
  assert.equal((await post({ 'sec-fetch-site': 'same-origin', origin: 'http://localhost:80' })).statusCode, 303)
  assert.equal((await post({ 'sec-fetch-site': 'none' })).statusCode, 303)
  assert.equal((await post({ origin: 'http://localhost:80' })).statusCode, 303)
  assert.equal((await post({})).statusCode, 303, 'no browser headers: the token decides')
  // Safe methods are never refused: a link from another site opens the page.
  assert.equal((await app.inject({ url: '/', headers: { 'sec-fetch-site': 'cross-site' } })).statusCode, 200)
})

test('over HTTPS the fastify-format cookie is __Host-uc (Secure, Path=/, no Domain); over HTTP, uc', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { TRUST_PROXY: '127.0.0.1' })
  const https = { 'x-forwarded-proto': 'https' }
  const page = await app.inject({ url: '/', headers: https })
  const cookie = page.cookies.find((c) => c.name === '__Host-uc')!
  assert.equal(cookie.secure, true)
  assert.equal(cookie.path, '/')
  assert.equal(cookie.domain, undefined)
  assert.equal(page.cookies.some((c) => c.name === 'uc'), false)
  const posted = await app.inject({
    method: 'POST',
    url: '/',
    headers: { ...FORM, ...https, cookie: `__Host-uc=${cookie.value}` },
    payload: new URLSearchParams({ _csrf: csrfToken(page.body), action: 'set', key: 'k', val: 'v' }).toString()
  })
  assert.equal(posted.statusCode, 303)
  const stored = posted.cookies.find((c) => c.name === '__Host-uc')!.value
  const again = await app.inject({ url: '/', headers: { ...https, cookie: `__Host-uc=${stored}` } })
  assert.match(again.body, /<tr><td>k<\/td><td>v<\/td><\/tr>/)
  // A plain `uc` (what a sibling subdomain could plant) is not read over HTTPS.
  const planted = await app.inject({ url: '/', headers: { ...https, cookie: `uc=${stored}` } })
  assert.doesNotMatch(planted.body, /<td>k<\/td>/)
  // Over HTTP, and in tornado mode whatever the scheme, the name stays uc.
  assert.ok((await app.inject({ url: '/' })).cookies.some((c) => c.name === 'uc'))
  const tornado = await buildTestApp(t, cluster, { TRUST_PROXY: '127.0.0.1', COOKIE_FORMAT: 'tornado' })
  assert.ok((await tornado.inject({ url: '/', headers: https })).cookies.some((c) => c.name === 'uc' && c.secure === true))
})

test('tornado mode re-signs a cookie signed more than a day ago, so the 31-day limit counts from the last visit', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { COOKIE_FORMAT: 'tornado' })
  const first = await app.inject({ url: '/' })
  const fresh = first.cookies.find((c) => c.name === 'uc')!.value
  const now = Math.floor(Date.now() / 1000)
  assert.ok(Math.abs(signedAt(fresh) - now) <= 5)
  // A fresh signature is left alone (no Set-Cookie on every view).
  assert.equal((await app.inject({ url: '/', headers: { cookie: `uc=${fresh}` } })).cookies.length, 0)
  // The same session, signed 20 days ago: still valid, and re-signed now.
  const id = Buffer.from(fresh.split('|')[4]!.split(':')[1]!, 'base64').toString()
  const old = signTornadoV2(TEST_SECRET, 'uc', id, now - 20 * 86400)
  const view = await app.inject({ url: '/', headers: { cookie: `uc=${old}` } })
  const renewed = view.cookies.find((c) => c.name === 'uc')!.value
  assert.ok(signedAt(renewed) >= now)
  assert.equal(Buffer.from(renewed.split('|')[4]!.split(':')[1]!, 'base64').toString(), id, 'the same session')
})
