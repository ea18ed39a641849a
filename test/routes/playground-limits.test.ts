// Limits that hold for every playground command, and the per-client rate limit.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, startCluster } from '../helper.ts'
import { namespacePrefix, PlaygroundVisitor, UNLIMITED } from './playground-visitor.ts'
import { MAX_VALUE_BYTES } from '../../server/playground/input.ts'
import { clientBucket, KeyRateLimiter } from '../../server/playground/rate-limit.ts'

test('no sequence of append and prepend leaves a value above the limit, even run concurrently', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  const prefix = namespacePrefix((await v.get('/memcache')).body)
  const size = async (key: string) => (await app.memcache.getsRaw(prefix + key))!.bytes.length

  await v.run({ op: 'set', key: 'grow', val: 'x' })
  const chunk = 'y'.repeat(4096)
  let refused = 0
  for (let i = 0; i < 20; i++) {
    const result = await v.run({ op: i % 2 ? 'append' : 'prepend', key: 'grow', val: chunk })
    if (result.error) {
      refused++
      assert.match(result.error, /refused: the value would be \d+ bytes, over the playground's 64 KiB limit/)
    }
    assert.ok(await size('grow') <= MAX_VALUE_BYTES)
  }
  assert.equal(await size('grow'), 1 + 15 * 4096)
  assert.equal(refused, 5)

  // Ten appends at once: the CAS on each append means none lands on a value it did not check.
  await v.run({ op: 'set', key: 'race', val: 'z'.repeat(30 * 1024) })
  const results = await Promise.all(Array.from({ length: 10 }, () => v.run({ op: 'append', key: 'race', val: 'w'.repeat(8 * 1024) })))
  assert.deepEqual(results.filter((r) => r.status !== 303).map((r) => `${r.status} ${r.error ?? ''}`), [])
  const final = await size('race')
  assert.ok(final <= MAX_VALUE_BYTES, `${final} bytes`)
  assert.equal(final, 30 * 1024 + 4 * 8 * 1024)
})

test('reads are capped: a get_multi of large values shows a cut transcript and a bounded page', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  const keys = Array.from({ length: 20 }, (_, i) => `big${i}`)
  for (const key of keys) await v.run({ op: 'set', key, val: `'${'v'.repeat(60 * 1024)}'` })
  const read = await v.run({ op: 'get_multi', keys: keys.join(' ') })
  assert.equal(read.status, 303)
  assert.match(read.lines[1]!, /^\{'big0': 'vvvv/)
  assert.match(read.lines[1]!, /… {2}# output cut at 2000 characters; 16 more found, not shown: one read shows at most 256 KiB$/)
  // The page holds the cut line twice (console and card), each in its three views (Python, the
  // TypeScript one's strings cut at 200 characters, the wire's values at 120), not 1.2 MB of values.
  assert.ok(read.body.length < 96 * 1024, `${read.body.length} bytes of page`)
  assert.match(read.ts!, /^> await conn\.getMulti\(\[ 'big0', 'big1',[^\n]*\]\)\nMap\(4\) \{ 'big0' => 'v{200}'\.\.\. 61240 more characters,/)
})

test('one client is rate limited by the keys its commands name; other clients are not', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { PLAYGROUND_KEYS_PER_MINUTE: '100' })
  const flooder = new PlaygroundVisitor(app)
  const pairs = Array.from({ length: 20 }, (_, i) => `f${i}=${i}`).join('\n')
  for (let i = 0; i < 5; i++) assert.equal((await flooder.run({ op: 'set_multi', pairs })).status, 303)
  const refused = await flooder.run({ op: 'set_multi', pairs })
  assert.equal(refused.status, 429)
  assert.match(refused.post.headers['retry-after'] as string, /^\d+$/)
  assert.ok(Number(refused.post.headers['retry-after']) >= 1)
  assert.match(refused.error!, /Too many playground commands from your address: 100 keys a minute at most/)
  // At its card (readCard found it in the set_multi card), and in the console, not run and not kept.
  assert.match(refused.body, /<section class="card playground-card" id="set_multi"[\s\S]*?<p class="error" role="alert" id="set_multi-error">Too many/)
  assert.match(/<section class="card console"[\s\S]*?<\/section>/.exec(refused.body)![0], /refused \(HTTP 429\), not run: Too many playground commands/)
  assert.doesNotMatch(refused.body, /id="set_multi-pairs"[^>]*aria-invalid/, 'a 429 marks no field invalid')
  // A fresh session from the same address does not escape it: 20 more keys need 12 s of refill
  // (a single key would be back after 0.6 s, which a loaded machine can take between two requests).
  assert.equal((await new PlaygroundVisitor(app).run({ op: 'set_multi', pairs })).status, 429)

  const other = await app.inject({ url: '/memcache', remoteAddress: '10.0.0.2' })
  const cookie = other.cookies.find((c) => c.name === 'uc')!.value
  const csrf = /name="_csrf" value="([^"]+)"/.exec(other.body)![1]!
  const fromElsewhere = await app.inject({
    method: 'POST',
    url: '/memcache',
    remoteAddress: '10.0.0.2',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `uc=${cookie}` },
    payload: new URLSearchParams({ _csrf: csrf, op: 'get', key: 'k' }).toString()
  })
  assert.equal(fromElsewhere.statusCode, 303)
})

test('the key bucket refills at its rate; IPv6 clients share a /64', () => {
  const limiter = new KeyRateLimiter(60)
  assert.equal(limiter.take('a', 60, 0).allowed, true)
  assert.deepEqual(limiter.take('a', 1, 0), { allowed: false, retryAfterSeconds: 1 })
  assert.deepEqual(limiter.take('a', 20, 10_000), { allowed: false, retryAfterSeconds: 10 })
  assert.equal(limiter.take('a', 20, 20_000).allowed, true)
  assert.equal(limiter.take('b', 60, 0).allowed, true)
  // A command dearer than the whole bucket runs on a full one and leaves a debt.
  const small = new KeyRateLimiter(10)
  assert.equal(small.take('c', 20, 0).allowed, true)
  assert.equal(small.take('c', 1, 30_000).allowed, false)
  assert.equal(new KeyRateLimiter(0).take('d', 1_000_000).allowed, true)

  assert.equal(clientBucket('192.0.2.7'), '192.0.2.7')
  assert.equal(clientBucket('2001:db8:1:2:aaaa::1'), clientBucket('2001:DB8:1:2:bbbb:cccc:dddd:eeee'))
  assert.notEqual(clientBucket('2001:db8:1:2::1'), clientBucket('2001:db8:1:3::1'))
  assert.equal(clientBucket('::ffff:192.0.2.7'), '::ffff:192.0.2.7')
})
