// The console's clean-up: "Clear the console" empties it and keeps the keys; "Delete my keys"
// deletes every key the visitor's commands named, in their own namespace only, through the
// playground's CSRF check and rate limit, and shows each delete_multi in the console.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, startCluster } from '../helper.ts'
import { namespacePrefix, PlaygroundVisitor, UNLIMITED } from './playground-visitor.ts'

async function clear (app: FastifyInstance, v: PlaygroundVisitor, what: string, { csrf = true } = {}) {
  return app.inject({
    method: 'POST',
    url: '/memcache/clear',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `uc=${v.cookie}` },
    payload: new URLSearchParams(csrf ? { _csrf: v.csrf!, what } : { what }).toString()
  })
}

const consoleOf = (body: string) => /<section class="card console"[\s\S]*?<\/section>/.exec(body)![0]

test('Delete my keys removes every key the visitor named, and only theirs', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const mc = app.playgroundPool!.a
  const learner = new PlaygroundVisitor(app)
  const other = new PlaygroundVisitor(app)
  await learner.run({ op: 'set', key: 'k', val: 'v' })
  await learner.run({ op: 'set_multi', pairs: 'a,b=1\nc=2' }) // a typed key may hold a comma
  await learner.run({ line: "conn.set('typed', 'in the console')", card: 'console' })
  await learner.run({ op: 'set', key: 'n', val: '9', card: 'conn1' })
  await learner.run({ op: 'gets', key: 'n', card: 'conn2' })
  await learner.run({ op: 'get', key: 'never-stored' })
  await other.run({ op: 'set', key: 'k', val: 'theirs' })
  const mine = namespacePrefix((await learner.get('/memcache')).body)
  const theirs = namespacePrefix((await other.get('/memcache')).body)
  assert.notEqual(mine, theirs)
  const stored = ['k', 'a,b', 'c', 'typed', 'n']
  for (const key of stored) assert.notEqual(await mc.get(mine + key), undefined, key)
  assert.match(consoleOf((await learner.get('/memcache')).body), /<button type="submit">Delete my keys \(6\)<\/button>/)

  const response = await clear(app, learner, 'keys')
  assert.equal(response.statusCode, 303)
  assert.equal(response.headers.location, '/memcache#console')
  for (const key of [...stored, 'never-stored']) assert.equal(await mc.get(mine + key), undefined, key)
  assert.equal(await mc.get(`${theirs}k`), 'theirs') // another visitor's key of the same name stays
  const page = consoleOf((await learner.get('/memcache')).body)
  assert.match(page, /conn\.delete_multi\(\[&#39;k&#39;, &#39;a,b&#39;, &#39;c&#39;, &#39;typed&#39;, &#39;n&#39;, &#39;never-stored&#39;\]\)/)
  assert.match(page, /<button type="submit" disabled>Delete my keys \(0\)<\/button>/)
  // The other visitor still has theirs to delete.
  assert.match(consoleOf((await other.get('/memcache')).body), /Delete my keys \(1\)/)
})

test('Clear the console empties it and keeps the keys, which Delete my keys still finds', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  await v.run({ op: 'set', key: 'kept', val: "'still here'" })
  await v.run({ op: 'get', key: 'kept' })
  assert.equal((await clear(app, v, 'console')).statusCode, 303)
  const page = (await v.get('/memcache')).body
  assert.doesNotMatch(consoleOf(page), /<ol class="history">/)
  assert.match(consoleOf(page), /Nothing run yet \(your key is still stored\)/)
  assert.doesNotMatch(page, /id="set-key"[^>]*value="kept"/) // the cards' fields are emptied too
  const prefix = namespacePrefix(page)
  assert.equal(await app.playgroundPool!.a.get(`${prefix}kept`), 'still here')
  assert.equal((await clear(app, v, 'keys')).statusCode, 303)
  assert.equal(await app.playgroundPool!.a.get(`${prefix}kept`), undefined)
})

test('the clean-up is refused without the CSRF token, past the rate limit, or for anything else', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { PLAYGROUND_KEYS_PER_MINUTE: '5' })
  const v = new PlaygroundVisitor(app)
  await v.run({ op: 'set_multi', pairs: 'a=1\nb=2\nc=3\nd=4' })
  const prefix = namespacePrefix((await v.get('/memcache')).body)

  const forged = await clear(app, v, 'keys', { csrf: false })
  assert.equal(forged.statusCode, 403)
  assert.match(consoleOf(forged.body), /CSRF check failed/)
  assert.equal(await app.playgroundPool!.a.get(`${prefix}a`), 1)

  const unknown = await clear(app, v, 'everything')
  assert.equal(unknown.statusCode, 400)
  assert.match(consoleOf(unknown.body), /Choose what to clear/)

  // Four keys of a five-key bucket are spent: deleting four more waits half a minute for the bucket.
  const limited = await clear(app, v, 'keys')
  assert.equal(limited.statusCode, 429)
  assert.ok(Number(limited.headers['retry-after']) >= 1)
  assert.match(consoleOf(limited.body), /Too many playground commands from your address: 5 keys a minute at most/)
  assert.equal(await app.playgroundPool!.a.get(`${prefix}a`), 1)
})
