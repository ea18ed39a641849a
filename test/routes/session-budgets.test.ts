// Issue 21, finding 2: 30 s of valid writes from fresh sessions evicted 92 of 100 idle sessions,
// and in tornado mode every cookieless view stored a record. Each client address now has a write
// budget for the session form and a budget of new stored sessions (server/plugins/session.ts);
// `npm run bench:flood` measures what survives a flood.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, pageError, startCluster, Visitor } from '../helper.ts'

async function items (app: Awaited<ReturnType<typeof buildTestApp>>): Promise<number> {
  let sum = 0
  for (let i = 0; i < app.memcache.nodes.length; i++) sum += Number((await app.memcache.stats(i)).curr_items)
  return sum
}

test('the write budget: a client\'s changes beyond it are a 429 with Retry-After, whatever session it uses; other clients write on', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { SESSION_WRITES_PER_MINUTE: '6', SESSION_NEW_PER_MINUTE: '0' })
  const visitor = new Visitor(app)
  for (let i = 0; i < 6; i++) await visitor.set(`k${i}`, 'v')
  const refused = await visitor.post({ action: 'set', key: 'k6', val: 'v' })
  assert.equal(refused.statusCode, 429)
  assert.ok(Number(refused.headers['retry-after']) >= 1)
  assert.match(pageError(refused.body)!, /Too many changes from your address: 6 a minute at most/)
  assert.match(refused.body, /value="k6"/, 'the form comes back filled in')
  assert.equal((await visitor.data()).k6, undefined)
  assert.equal((await new Visitor(app).post({ action: 'set', key: 'k', val: 'v' })).statusCode, 429, 'a fresh session does not escape it')

  // Another address has its own budget; a value over 4 KiB costs one per started 4 KiB.
  const page = await app.inject({ url: '/', remoteAddress: '10.0.0.2' })
  const cookie = `uc=${page.cookies.find((c) => c.name === 'uc')!.value}`
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!
  const post = (val: string) => app.inject({
    method: 'POST',
    url: '/',
    remoteAddress: '10.0.0.2',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    payload: new URLSearchParams({ _csrf: csrf, action: 'set', key: 'big', val }).toString()
  })
  assert.equal((await post('x'.repeat(4 * 4096 - 3))).statusCode, 303) // key and value 16 KiB: costs 4
  assert.equal((await post('x'.repeat(4096 - 3 + 1))).statusCode, 303) // 4 KiB and a byte: 2 more, the whole budget of 6
  assert.equal((await post('y')).statusCode, 429)
})

test('the budget of new sessions: a client stores at most so many new sessions a minute; its existing sessions write on', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '3' })
  const visitors = [new Visitor(app), new Visitor(app), new Visitor(app)]
  for (const v of visitors) await v.set('k', 'v')
  const before = await items(app)
  const fourth = await new Visitor(app).post({ action: 'set', key: 'k', val: 'v' })
  assert.equal(fourth.statusCode, 429)
  assert.match(pageError(fourth.body)!, /Too many new sessions from your address: 3 a minute at most/)
  assert.equal(await items(app), before, 'nothing was stored')
  // A cookieless view stores nothing in the fastify format, so it is not refused.
  assert.equal((await new Visitor(app).get()).statusCode, 200)
  await visitors[0]!.set('k2', 'v2')
  assert.deepEqual({ ...await visitors[0]!.data() }, { k: 'v', k2: 'v2' })
})

test('concurrent first writes of one session store one record, and are charged as one new session', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '1' })
  const visitor = new Visitor(app)
  await visitor.get()
  const body = (i: number) => new URLSearchParams({ _csrf: visitor.csrf!, action: 'set', key: `k${i}`, val: 'v' }).toString()
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => app.inject({
    method: 'POST', url: '/', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `uc=${visitor.cookie}` }, payload: body(i)
  })))
  assert.deepEqual(answers.map((a) => a.statusCode), Array(20).fill(303))
  assert.equal((await new Visitor(app).post({ action: 'set', key: 'k', val: 'v' })).statusCode, 429, 'the budget of one was spent on that one session')
})

test('tornado mode: cookieless views store a record each, at most the budget of new sessions a minute', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { COOKIE_FORMAT: 'tornado', SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '5' })
  const keeper = new Visitor(app)
  assert.equal((await keeper.get()).statusCode, 200)
  const start = await items(app)
  const statuses = []
  for (let i = 0; i < 20; i++) statuses.push((await app.inject({ url: '/' })).statusCode)
  t.diagnostic(`20 cookieless views in tornado mode with a budget of 5: ${statuses.filter((s) => s === 200).length} served, ${await items(app) - start} records stored`)
  assert.deepEqual(statuses, [...Array(4).fill(200), ...Array(16).fill(429)])
  assert.equal(await items(app) - start, 4 * (1 + app.config.sessionReplicas), 'four sessions (each with its copies)')
  const refused = await app.inject({ url: '/' })
  assert.ok(Number(refused.headers['retry-after']) >= 1)
  assert.match(refused.body, /Too many new sessions from your address: 5 a minute at most/)
  // A visitor who keeps its cookie is never refused.
  await keeper.set('k', 'v')
  assert.equal((await keeper.get()).statusCode, 200)
})
