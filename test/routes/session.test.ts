// The session page end to end through the app, on four real memcached nodes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, makeClient, pageError, sessionTable, startCluster, TEST_SECRET, Visitor } from '../helper.ts'
import { routeKey } from '@memcache-session/client'
import { signerFor } from '../cookie-signing.ts'

test('session page flows', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const mc = makeClient(t, cluster)

  await t.test('a first visit gets an empty session and a signed uc cookie with safe flags, and stores nothing', async () => {
    const visitor = new Visitor(app)
    const page = await visitor.get()
    assert.equal(page.statusCode, 200)
    assert.equal(page.headers['cache-control'], 'no-store')
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'.*script-src 'self'.*style-src 'self'/)
    assert.equal(page.headers['x-content-type-options'], 'nosniff')
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN')
    assert.equal(page.headers['referrer-policy'], 'no-referrer')
    const uc = page.cookies.find((c) => c.name === 'uc')!
    assert.match(uc.value, /^[0-9a-f]{32}\.\d+\.new\.[A-Za-z0-9+/]+$/) // "not stored yet"

    assert.equal(uc.httpOnly, true)
    assert.equal(uc.sameSite, 'Lax')
    assert.equal(uc.path, '/')
    assert.equal(uc.secure, undefined) // plain HTTP
    assert.match(page.body, /Empty: set a key above/)
    assert.equal(await mc.get(visitor.sessionId!), undefined)
    await visitor.set('k', 'v') // the first change stores it, and the cookie loses its mark
    assert.equal(await mc.get(visitor.sessionId!), '{"k":"v"}')
    assert.match(visitor.cookie!, /^[0-9a-f]{32}\.\d+\.[A-Za-z0-9+/]+$/)
  })

  await t.test('set shows the key after the redirect; del removes it; the record is JSON on the python-routed node', async () => {
    const visitor = new Visitor(app)
    const response = await visitor.post({ action: 'set', key: 'name', val: 'Ada' })
    assert.equal(response.statusCode, 303)
    assert.match(response.headers.location as string, /^\/\?notice=saved&cas=/) // and the CAS before and after (session-cas.test.ts)
    assert.deepEqual({ ...await visitor.data() }, { name: 'Ada' })

    // Python's routing, from the vectors-checked function, names the node that must hold the record.
    const nodeIndex = routeKey(visitor.sessionId!, mc.buckets)!
    const single = makeClient(t, cluster, { servers: [cluster.servers[nodeIndex]!] })
    assert.equal(await single.get(visitor.sessionId!), '{"name":"Ada"}')

    await visitor.set('lang', 'TypeScript')
    const del = await visitor.post({ action: 'del', key: 'name' })
    assert.match(del.headers.location as string, /^\/\?notice=deleted&cas=/)
    assert.deepEqual({ ...await visitor.data() }, { lang: 'TypeScript' })
  })

  await t.test('del of a missing key is a notice, not an error', async () => {
    const visitor = new Visitor(app)
    const response = await visitor.post({ action: 'del', key: 'never-set' })
    assert.equal(response.headers.location, '/?notice=absent')
    const page = await visitor.get('/?notice=absent')
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /There was no such key/)
  })

  await t.test('two visitors have separate sessions', async () => {
    const a = new Visitor(app)
    const b = new Visitor(app)
    await a.set('who', 'a')
    await b.set('who', 'b')
    assert.equal((await a.data()).who, 'a')
    assert.equal((await b.data()).who, 'b')
    assert.notEqual(a.sessionId, b.sessionId)
  })

  await t.test('bad input: a 4xx page with the message next to the refilled form, session unchanged', async () => {
    const visitor = new Visitor(app)
    await visitor.set('keep', 'me')
    const cases: Array<[Record<string, string>, number, RegExp]> = [
      [{ action: 'set', key: '', val: 'x' }, 400, /key must not be empty/],
      [{ action: 'set', val: 'x' }, 400, /key must not be empty/],
      [{ action: 'set', key: 'k' }, 400, /value \(val\) is required/],
      [{ action: 'drop', key: 'k', val: 'x' }, 400, /Unknown action "drop"/],
      [{ key: 'k', val: 'x' }, 400, /Choose an action/],
      [{ action: 'set', key: 'k'.repeat(251), val: 'x' }, 413, /251 characters long; the limit is 250/],
      [{ action: 'set', key: 'big', val: 'v'.repeat(16 * 1024 + 1) }, 413, /the limit is 16 KiB/]
    ]
    for (const [fields, status, message] of cases) {
      const response = await visitor.post(fields)
      assert.equal(response.statusCode, status, JSON.stringify(fields).slice(0, 80))
      assert.match(pageError(response.body) ?? '', message)
      if (fields.key && fields.key.length < 100) assert.match(response.body, new RegExp(`name="key" value="${fields.key}"`))
    }
    assert.deepEqual({ ...await visitor.data() }, { keep: 'me' })
  })

  await t.test('a value of exactly 16 KiB is accepted', async () => {
    const visitor = new Visitor(app)
    await visitor.set('big', 'v'.repeat(16 * 1024))
    assert.equal((await visitor.data()).big!.length, 16 * 1024)
  })

  await t.test('repeated fields are refused with 400', async () => {
    const visitor = new Visitor(app)
    await visitor.get()
    const response = await app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `uc=${visitor.cookie}` },
      payload: `_csrf=${visitor.csrf}&action=set&key=a&key=b&val=1`
    })
    assert.equal(response.statusCode, 400)
    assert.match(pageError(response.body)!, /sent once/)
  })

  await t.test('keys and values are escaped in the page', async () => {
    const visitor = new Visitor(app)
    await visitor.set('<script>alert(1)</script>', '"><img src=x onerror=alert(2)>')
    const page = await visitor.get()
    assert.ok(!page.body.includes('<script>alert(1)</script>'))
    assert.ok(!page.body.includes('<img src=x'))
    assert.match(page.body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/)
    assert.deepEqual({ ...sessionTable(page.body) }, { '<script>alert(1)</script>': '"><img src=x onerror=alert(2)>' })
  })

  await t.test('__proto__, constructor and toString are ordinary keys', async () => {
    const visitor = new Visitor(app)
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) await visitor.set(key, `v-${key}`)
    const data = await visitor.data()
    assert.deepEqual(Object.keys(data).sort(), ['__proto__', 'constructor', 'hasOwnProperty', 'toString'])
    for (const key of Object.keys(data)) assert.equal(Object.getOwnPropertyDescriptor(data, key)?.value, `v-${key}`, key)
    const stored = JSON.parse(await mc.get(visitor.sessionId!) as string)
    assert.equal(Object.getOwnPropertyDescriptor(stored, '__proto__')?.value, 'v-__proto__')
    await visitor.post({ action: 'del', key: '__proto__' })
    assert.deepEqual(Object.keys(await visitor.data()).sort(), ['constructor', 'hasOwnProperty', 'toString'])
  })

  await t.test('CSRF: a POST without the token, or with another session\'s, is refused and changes nothing', async () => {
    const victim = new Visitor(app)
    await victim.set('balance', '100')
    const attacker = new Visitor(app)
    await attacker.get()

    const none = await victim.post({ action: 'set', key: 'balance', val: '0' }, { csrf: false })
    assert.equal(none.statusCode, 403)
    const stolen = victim.csrf
    victim.csrf = attacker.csrf
    const foreign = await victim.post({ action: 'set', key: 'balance', val: '0' })
    assert.equal(foreign.statusCode, 403)
    victim.csrf = stolen
    assert.equal((await victim.data()).balance, '100')
  })

  await t.test('a bad signature or an id memcached does not hold gets a fresh session, never adopted', async () => {
    const visitor = new Visitor(app)
    await visitor.set('mine', 'yes')
    const [id, created] = visitor.cookie!.split('.')

    const forged = await app.inject({ url: '/', headers: { cookie: `uc=${id}.${created}.AAAA` } })
    assert.equal(forged.statusCode, 200)
    assert.notEqual(forged.cookies.find((c) => c.name === 'uc')!.value.slice(0, 32), id)

    const unknownId = 'f'.repeat(32)
    const sign = signerFor(TEST_SECRET)
    const planted = await app.inject({ url: '/', headers: { cookie: `uc=${sign(`${unknownId}.${created}`)}` } })
    const issued = planted.cookies.find((c) => c.name === 'uc')!.value
    assert.notEqual(issued.slice(0, 32), unknownId)
    assert.match(planted.body, /new session was started/)
    assert.equal(await mc.get(unknownId), undefined)

    for (const garbage of ['', '%%%', 'a.b.c', 'x'.repeat(4000), '\u00ff']) {
      const response = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(garbage)}` } })
      assert.equal(response.statusCode, 200, garbage.slice(0, 10))
    }
  })
})
