// Every playground command against the real cluster, as the page shows it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, startCluster, unescapeHtml, Visitor } from '../helper.ts'

class PlaygroundVisitor extends Visitor {
  async run (fields: Record<string, string>): Promise<{ status: number, lines: string[], nodes: string, error: string | null, body: string }> {
    if (!this.csrf) await this.get('/memcache')
    const response = await this.app.inject({
      method: 'POST',
      url: '/memcache',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `uc=${this.cookie}` },
      payload: new URLSearchParams({ _csrf: this.csrf!, ...fields }).toString()
    })
    const pre = /<div class="transcript"[\s\S]*?<pre>([\s\S]*?)<\/pre>/.exec(response.body)
    const text = pre ? unescapeHtml(pre[1]!.replace(/<[^>]+>/g, '')) : ''
    const nodes = /<p class="nodes-served">([\s\S]*?)<\/p>/.exec(response.body)?.[1]?.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() ?? ''
    const error = /<p class="error" role="alert">(.*?)<\/p>/.exec(response.body)?.[1] ?? null
    return { status: response.statusCode, lines: text.split('\n').filter(Boolean), nodes, error: error && unescapeHtml(error), body: response.body }
  }
}

test('the playground runs every tutorial call', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const v = new PlaygroundVisitor(app)
  const page = await v.get('/memcache')
  assert.equal(page.statusCode, 200)
  for (const op of ['set', 'get', 'add', 'replace', 'set_multi', 'get_multi', 'delete', 'delete_multi', 'append', 'prepend', 'incr', 'decr', 'gets', 'ttl_demo', 'cas_race']) {
    assert.match(page.body, new RegExp(`id="${op}"`), op)
  }

  const expectations: Array<[Record<string, string>, string[]]> = [
    [{ op: 'set', key: 'k', val: "'v'" }, [">>> mc.set('k', 'v')", 'True']],
    [{ op: 'get', key: 'k' }, [">>> mc.get('k')", "'v'"]],
    [{ op: 'add', key: 'k', val: 'other' }, [">>> mc.add('k', 'other')", 'False']],
    [{ op: 'replace', key: 'k', val: 'v2' }, [">>> mc.replace('k', 'v2')", 'True']],
    [{ op: 'replace', key: 'absent', val: 'x' }, [">>> mc.replace('absent', 'x')", 'False']],
    [{ op: 'set', key: 'n', val: '10', ttl: '60' }, [">>> mc.set('n', 10, 60)", 'True']],
    [{ op: 'incr', key: 'n' }, [">>> mc.incr('n')", '11']],
    [{ op: 'decr', key: 'n', delta: '100' }, [">>> mc.decr('n', 100)", '0']],
    [{ op: 'incr', key: 'nothing' }, [">>> mc.incr('nothing')", 'None  # the key does not exist']],
    [{ op: 'append', key: 'k', val: '!' }, [">>> mc.append('k', '!')", 'True']],
    [{ op: 'prepend', key: 'k', val: '¡' }, [">>> mc.prepend('k', '¡')", 'True']],
    [{ op: 'get', key: 'k' }, [">>> mc.get('k')", "'¡v2!'"]],
    [{ op: 'set_multi', pairs: 'a=1\nb=two\nc=\'3\'' }, [">>> mc.set_multi({'a': 1, 'b': 'two', 'c': '3'})", '[]']],
    [{ op: 'get_multi', keys: 'a b c missing' }, [">>> mc.get_multi(['a', 'b', 'c', 'missing'])", "{'a': 1, 'b': 'two', 'c': '3'}"]],
    [{ op: 'delete_multi', keys: 'a, b' }, [">>> mc.delete_multi(['a', 'b'])", 'True']],
    [{ op: 'get_multi', keys: 'a b c' }, [">>> mc.get_multi(['a', 'b', 'c'])", "{'c': '3'}"]],
    [{ op: 'delete', key: 'k' }, [">>> mc.delete('k')", 'True']],
    [{ op: 'get', key: 'k' }, [">>> mc.get('k')", 'None']]
  ]
  for (const [fields, lines] of expectations) {
    const result = await v.run(fields)
    assert.equal(result.status, 200, `${fields.op}: ${result.error}`)
    assert.deepEqual(result.lines, lines, JSON.stringify(fields))
  }

  // Which node served each key, as python-memcached routes the stored (prefixed) key.
  const multi = await v.run({ op: 'get_multi', keys: 'x y' })
  for (const key of ['x', 'y']) {
    const node = app.memcache.nodes[app.memcache.nodeIndexFor(`pg:${key}`)!]!.label
    assert.ok(multi.nodes.includes(`${key} → ${node}`), multi.nodes)
  }
})

test('gets / cas, the two-client race, and the TTL demo', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const v = new PlaygroundVisitor(app)
  await v.run({ op: 'set', key: 'n', val: '1' })

  const gets = await v.run({ op: 'gets', key: 'n' })
  assert.equal(gets.lines[1]!.split('  #')[0], '1')
  const token = /name="token" value="([0-9a-f]{16})"/.exec(gets.body)![1]!
  assert.deepEqual((await v.run({ op: 'cas', key: 'n', val: '100', token })).lines, [">>> mc.cas('n', 100)", 'True'])
  assert.deepEqual((await v.run({ op: 'cas', key: 'n', val: '200', token })).lines, [">>> mc.cas('n', 200)", 'False  # someone changed the key since gets'])
  assert.equal((await v.run({ op: 'cas', key: 'n', val: '1' })).status, 400)

  const race = await v.run({ op: 'cas_race', key: 'race' })
  assert.deepEqual(race.lines, [
    ">>> mc.set('race', 1)", 'True',
    "client A >>> mc.gets('race')", '1',
    "client B >>> mc.gets('race')", '1',
    "client A >>> mc.cas('race', 100)", 'True  # first to write: stored',
    "client B >>> mc.cas('race', 200)", 'False  # refused: the key changed since its gets',
    ">>> mc.get('race')", '100'
  ])

  const ttl = await v.run({ op: 'ttl_demo', key: 'temp', val: 'brief' })
  assert.deepEqual(ttl.lines.slice(0, 3), [">>> mc.set('temp', 'brief', 2)", 'True', ">>> mc.get('temp')"])
  const started = Date.now()
  while ((await v.run({ op: 'get', key: 'temp' })).lines[1] !== 'None') {
    assert.ok(Date.now() - started < 4000, 'did not expire')
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.ok(Date.now() - started >= 900, 'expired too early')
})

test('playground keys cannot reach sessions; bad input and CSRF are refused', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const owner = new Visitor(app)
  await owner.set('secret', 'kept')
  const v = new PlaygroundVisitor(app)
  const overwrite = await v.run({ op: 'set', key: owner.sessionId!, val: '{}' })
  assert.equal(overwrite.status, 200)
  assert.equal((await owner.data()).secret, 'kept')
  assert.equal(await app.memcache.get(`pg:${owner.sessionId}`), '{}')

  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ op: 'set', key: '', val: 'x' }, /Enter a key/],
    [{ op: 'set', key: 'a b', val: 'x' }, /cannot be used: key must not contain spaces/],
    [{ op: 'set', key: 'k'.repeat(248), val: 'x' }, /248 bytes; playground keys may have at most 247/],
    [{ op: 'set', key: 'k', val: 'x'.repeat(65 * 1024) }, /over 64 KiB/],
    [{ op: 'set', key: 'k', val: 'x', ttl: 'soon' }, /TTL must be a whole number/],
    [{ op: 'get_multi', keys: Array.from({ length: 21 }, (_, i) => `k${i}`).join(' ') }, /At most 20 keys/],
    [{ op: 'set_multi', pairs: 'novalue' }, /is not key=value/],
    [{ op: 'flush_all' }, /Unknown command "flush_all"/],
    [{ op: 'incr', key: 'k', delta: '-1' }, /whole number from 0/]
  ]
  for (const [fields, message] of cases) {
    const result = await v.run(fields)
    assert.equal(result.status, 400, JSON.stringify(fields).slice(0, 60))
    assert.match(result.error ?? '', message)
  }
  await v.run({ op: 'set', key: 'text', val: 'abc' })
  const nonNumeric = await v.run({ op: 'incr', key: 'text' })
  assert.equal(nonNumeric.status, 400)
  assert.match(nonNumeric.error!, /non-numeric|status 0x0006/i)

  v.csrf = 'forged'
  const forged = await v.run({ op: 'set', key: 'k', val: 'x' })
  assert.equal(forged.status, 403)
})

test('PLAYGROUND=off removes the page and its link', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { PLAYGROUND: 'off' })
  assert.equal((await app.inject({ url: '/memcache' })).statusCode, 404)
  assert.equal((await app.inject({ method: 'POST', url: '/memcache', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'op=get&key=k' })).statusCode, 404)
  assert.doesNotMatch((await app.inject({ url: '/' })).body, /href="\/memcache"/)
})
