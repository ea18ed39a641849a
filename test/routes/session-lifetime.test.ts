// Expiry, absolute lifetime, secret rotation and the Secure flag.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, eventually, makeClient, startCluster, TEST_SECRET, Visitor } from '../helper.ts'
import { signerFor } from '../cookie-signing.ts'

test('every visit slides the expiry; an idle session expires', async (t) => {
  const cluster = await startCluster(t)
  // 3 s: memcached's clock ticks in whole seconds, so a TTL of n expires between n - 1 and n s
  // after a touch (the copy's, two seconds shorter, at 1 s); 3 leaves room for a loaded machine.
  const app = await buildTestApp(t, cluster, { SESSION_TTL_SECONDS: '3' })
  const mc = makeClient(t, cluster)
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')
  const id = visitor.sessionId!
  const started = Date.now()
  // Visit for 5 s, each visit well under the TTL after the last: without sliding it would be gone at 3 s.
  while (Date.now() - started < 5000) {
    await new Promise((resolve) => setTimeout(resolve, 700))
    assert.equal((await visitor.data()).k, 'v')
    assert.equal(visitor.sessionId, id)
  }
  // Now idle: memcached drops it within the TTL (plain get does not touch).
  await eventually(async () => (await mc.get(id)) === undefined, 6000)
  assert.deepEqual({ ...await visitor.data() }, {})
  assert.notEqual(visitor.sessionId, id)
})

test('absolute lifetime: past SESSION_MAX_AGE_SECONDS the session is replaced although active', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { SESSION_MAX_AGE_SECONDS: '3600' })
  const mc = makeClient(t, cluster)
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')
  const id = visitor.sessionId!
  const created = Math.floor(Date.now() / 1000)
  const sign = signerFor(TEST_SECRET)

  const young = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(sign(`${id}.${created - 3000}`))}` } })
  assert.match(young.body, /<td>k<\/td><td>v<\/td>/)

  const old = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(sign(`${id}.${created - 3601}`))}` } })
  assert.match(old.body, /maximum lifetime/)
  assert.notEqual(old.cookies.find((c) => c.name === 'uc')!.value.slice(0, 32), id)
  assert.equal(await mc.get(id), '') // the old record is replaced by an end mark
})

test('secret rotation: a cookie signed with an older secret is accepted and re-signed with the first', async (t) => {
  const cluster = await startCluster(t)
  const oldSecret = 'old-secret-that-is-long-enough-0123456789'
  const before = await buildTestApp(t, cluster, { COOKIE_SECRET: oldSecret })
  const visitor = new Visitor(before)
  await visitor.set('k', 'v')
  const id = visitor.sessionId!

  const after = await buildTestApp(t, cluster, { COOKIE_SECRET: `${TEST_SECRET},${oldSecret}` })
  const response = await after.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(visitor.cookie!)}` } })
  assert.match(response.body, /<td>k<\/td><td>v<\/td>/)
  const renewed = response.cookies.find((c) => c.name === 'uc')!
  assert.equal(renewed.value.slice(0, 32), id)
  assert.equal(renewed.value, signerFor(TEST_SECRET)(renewed.value.slice(0, renewed.value.lastIndexOf('.'))))

  // Once the old secret is dropped, its cookies no longer open the session.
  const dropped = await buildTestApp(t, cluster, { COOKIE_SECRET: TEST_SECRET })
  const refused = await dropped.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(visitor.cookie!)}` } })
  assert.notEqual(refused.cookies.find((c) => c.name === 'uc')!.value.slice(0, 32), id)
})

test('Secure cookie over HTTPS behind a trusted proxy, or when configured', async (t) => {
  const cluster = await startCluster(t)
  const proxied = await buildTestApp(t, cluster, { TRUST_PROXY: '127.0.0.1' })
  const https = await proxied.inject({ url: '/', headers: { 'x-forwarded-proto': 'https' } })
  assert.equal(https.cookies.find((c) => c.name === '__Host-uc')!.secure, true)
  const http = await proxied.inject({ url: '/' })
  assert.equal(http.cookies.find((c) => c.name === 'uc')!.secure, undefined)

  const untrusted = await buildTestApp(t, cluster)
  const spoofed = await untrusted.inject({ url: '/', headers: { 'x-forwarded-proto': 'https' } })
  assert.equal(spoofed.cookies.find((c) => c.name === 'uc')!.secure, undefined)

  const always = await buildTestApp(t, cluster, { COOKIE_SECURE: 'always' })
  assert.equal((await always.inject({ url: '/' })).cookies.find((c) => c.name === '__Host-uc')!.secure, true)
})

test('a signed cookie whose creation time lies in the future (beyond 60 s of clock skew) gets a fresh session', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')
  const id = visitor.sessionId!
  const now = Math.floor(Date.now() / 1000)
  const sign = signerFor(TEST_SECRET)
  const open = (created: number) => app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(sign(`${id}.${created}`))}` } })

  for (const created of [9999999999, now + 120]) {
    const response = await open(created)
    assert.doesNotMatch(response.body, /<td>k<\/td>/)
    assert.notEqual(response.cookies.find((c) => c.name === 'uc')!.value.slice(0, 32), id)
  }
  const skewed = await open(now + 30) // another instance's clock a little ahead
  assert.match(skewed.body, /<td>k<\/td><td>v<\/td>/)
})
