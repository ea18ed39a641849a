// Every playground command against the real cluster, as the page shows it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, eventually, startCluster, unescapeHtml, Visitor } from '../helper.ts'
import { namespacePrefix, PlaygroundVisitor, UNLIMITED } from './playground-visitor.ts'

test('the playground runs every tutorial call', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  const page = await v.get('/memcache')
  assert.equal(page.statusCode, 200)
  for (const op of ['set', 'get', 'add', 'replace', 'set_multi', 'get_multi', 'delete', 'delete_multi', 'append', 'prepend', 'incr', 'decr', 'ttl_demo']) {
    assert.match(page.body, new RegExp(`id="${op}"`), op)
  }
  // Chapter 3 has the tutorial's CAS lesson.
  const cas = (await v.get('/cas')).body
  for (const id of ['conn1', 'conn2', 'cas_race']) assert.match(cas, new RegExp(`id="${id}"`), id)

  const expectations: Array<[Record<string, string>, string[]]> = [
    [{ op: 'set', key: 'k', val: "'v'" }, [">>> conn.set('k', 'v')", 'True']],
    [{ op: 'get', key: 'k' }, [">>> conn.get('k')", "'v'"]],
    [{ op: 'add', key: 'k', val: 'other' }, [">>> conn.add('k', 'other')", 'False']],
    [{ op: 'replace', key: 'k', val: 'v2' }, [">>> conn.replace('k', 'v2')", 'True']],
    [{ op: 'replace', key: 'absent', val: 'x' }, [">>> conn.replace('absent', 'x')", 'False']],
    [{ op: 'set', key: 'n', val: '10', ttl: '60' }, [">>> conn.set('n', 10, 60)", 'True']],
    [{ op: 'incr', key: 'n' }, [">>> conn.incr('n')", '11']],
    [{ op: 'decr', key: 'n', delta: '100' }, [">>> conn.decr('n', 100)", '0']],
    [{ op: 'incr', key: 'nothing' }, [">>> conn.incr('nothing')", 'None  # the key does not exist']],
    [{ op: 'append', key: 'k', val: '!' }, [">>> conn.append('k', '!')", 'True']],
    [{ op: 'prepend', key: 'k', val: '¡' }, [">>> conn.prepend('k', '¡')", 'True']],
    [{ op: 'get', key: 'k' }, [">>> conn.get('k')", "'¡v2!'"]],
    [{ op: 'set_multi', pairs: 'a=1\nb=two\nc=\'3\'' }, [">>> conn.set_multi({'a': 1, 'b': 'two', 'c': '3'})", '[]']],
    [{ op: 'get_multi', keys: 'a b c missing' }, [">>> conn.get_multi(['a', 'b', 'c', 'missing'])", "{'a': 1, 'b': 'two', 'c': '3'}"]],
    [{ op: 'delete_multi', keys: 'a, b' }, [">>> conn.delete_multi(['a', 'b'])", '1']],
    [{ op: 'get_multi', keys: 'a b c' }, [">>> conn.get_multi(['a', 'b', 'c'])", "{'c': '3'}"]],
    [{ op: 'delete', key: 'k' }, [">>> conn.delete('k')", '1']],
    // python-memcached says 1 for a key that is not there too.
    [{ op: 'delete', key: 'k' }, [">>> conn.delete('k')", '1  # the key was not there: python-memcached says 1 all the same']],
    [{ op: 'get', key: 'k' }, [">>> conn.get('k')", 'None']]
  ]
  for (const [fields, lines] of expectations) {
    const result = await v.run(fields)
    assert.equal(result.status, 303, `${fields.op}: ${result.error}`)
    assert.deepEqual(result.lines, lines, JSON.stringify(fields))
  }

  // Which node served each key, as python-memcached routes the stored key (namespace included),
  // linked to that key on the cluster page.
  const multi = await v.run({ op: 'get_multi', keys: 'x y' })
  const prefix = namespacePrefix(multi.body)
  for (const key of ['x', 'y']) {
    const index = app.memcache.nodeIndexFor(`${prefix}${key}`)!
    const node = app.memcache.nodes[index]!
    assert.ok(multi.nodes.includes(`${key} → node ${index} (${node.label}, weight ${node.address.weight})`), multi.nodes)
    assert.ok(multi.body.includes(`<a href="/cluster?key=${encodeURIComponent(prefix + key)}#lookup"`), key)
  }
})

test('gets / cas, the two-client race, and the TTL demo', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  await v.run({ op: 'set', key: 'n', val: '1' })

  const gets = await v.run({ op: 'gets', key: 'n' })
  assert.deepEqual(gets.lines, [">>> conn1.gets('n')", '1  # CAS token 1'])
  const token = /name="token" value="([0-9a-f]{16})"/.exec(gets.body)![1]!
  // conn1's panel keeps its gets above its cas.
  assert.deepEqual((await v.run({ op: 'cas', key: 'n', val: '100', token })).lines.slice(-4), [">>> conn1.gets('n')", '1  # CAS token 1', ">>> conn1.cas('n', 100)", 'True'])
  assert.deepEqual((await v.run({ op: 'cas', key: 'n', val: '200', token })).lines.slice(-2), [">>> conn1.cas('n', 200)", 'False  # someone changed the key since gets'])
  assert.match((await v.run({ op: 'cas', key: 'n', val: '1' })).error!, /Run gets first/)

  // The race always changes the value: both clients add one, B's first cas is refused and its retry kept.
  const race = await v.run({ op: 'cas_race', key: 'race' })
  assert.deepEqual(race.lines, [
    ">>> conn1.get('race')", 'None',
    ">>> conn1.set('race', 0)", 'True  # start from 0',
    ">>> conn1.gets('race')", '0',
    ">>> conn2.gets('race')", '0',
    ">>> conn1.cas('race', 1)", 'True  # first to write: stored',
    ">>> conn2.cas('race', 1)", 'False  # refused: the key changed since its gets',
    ">>> conn2.gets('race')", '1  # B reads again',
    ">>> conn2.cas('race', 2)", 'True  # stored: both increments kept',
    ">>> conn1.get('race')", '2'
  ])
  const again = await v.run({ op: 'cas_race', key: 'race' })
  assert.deepEqual(again.lines.slice(-2), [">>> conn1.get('race')", '4'])
  // A key holding text (here, after `set n 10` then `append n abc`) starts the race from 0 again.
  await v.run({ op: 'set', key: 'n', val: '10' })
  await v.run({ op: 'append', key: 'n', val: 'abc' })
  const broken = await v.run({ op: 'cas_race' })
  assert.deepEqual(broken.lines.slice(0, 3), [">>> conn1.get('n')", 'Traceback (most recent call last):', '  ...'])
  assert.match(broken.lines[3]!, /^ValueError: invalid literal for int\(\) with base 10: b'10abc'/)

  const ttl = await v.run({ op: 'ttl_demo', key: 'temp', val: 'brief' })
  assert.deepEqual(ttl.lines.slice(0, 4), [">>> conn.set('temp', 'brief', 2)", 'True', ">>> conn.get('temp')", "'brief'  # expires in 2 s"])
  assert.match(ttl.body, /Time left for <code>temp<\/code>: <strong class="ttl-count">about [12] s<\/strong>/)
  const started = Date.now()
  // "Get it now", from the expiry card: the result is shown in that card.
  await eventually(async () => (await v.run({ op: 'get', key: 'temp', card: 'ttl_demo' })).lines[1] === 'None', 5000)
  assert.match((await v.get('/memcache')).body, /id="ttl_demo-val" type="text" name="val" value="brief"/, 'the card keeps its own fields')
  assert.ok(Date.now() - started >= 900, 'expired too early')
  // memcached's clock ticks in whole seconds, so the key can go up to a second before the page's count.
  await eventually(async () => /The TTL of <code>temp<\/code> has run out/.test((await v.get('/memcache')).body), 3000)
})

test('playground keys cannot reach sessions; bad input is answered next to its card', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const owner = new Visitor(app)
  await owner.set('secret', 'kept')
  const v = new PlaygroundVisitor(app)
  const overwrite = await v.run({ op: 'set', key: owner.sessionId!, val: '{}' })
  assert.equal(overwrite.status, 303)
  assert.equal((await owner.data()).secret, 'kept')
  assert.equal(await app.memcache.get(`${namespacePrefix(overwrite.body)}${owner.sessionId}`), '{}')
  assert.doesNotMatch(overwrite.body, new RegExp(v.sessionId!), 'the page never shows the session id')

  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ op: 'set', key: '', val: 'x' }, /Enter a key/],
    [{ op: 'set', key: 'a b', val: 'x' }, /cannot be used: key must not contain spaces/],
    [{ op: 'set', key: 'k'.repeat(231), val: 'x' }, /231 bytes; playground keys may have at most 230/],
    [{ op: 'set', key: 'k', val: 'x'.repeat(65 * 1024) }, /over 64 KiB/],
    [{ op: 'set', key: 'k', val: 'x', ttl: 'soon' }, /TTL must be a whole number/],
    [{ op: 'get_multi', keys: Array.from({ length: 21 }, (_, i) => `k${i}`).join(' ') }, /At most 20 keys/],
    [{ op: 'set_multi', pairs: 'novalue' }, /is not key=value/],
    [{ op: 'flush_all' }, /Unknown command "flush_all"/],
    [{ op: 'incr', key: 'k', delta: '-1' }, /whole number from 0/]
  ]
  for (const [fields, message] of cases) {
    const result = await v.run(fields)
    assert.equal(result.status, 303, JSON.stringify(fields).slice(0, 60))
    assert.match(result.error ?? '', message)
  }
  // The card's fields come back as typed, only the field at fault marked invalid, and no older result under the error.
  await v.run({ op: 'set', key: 'kept', val: 'x' })
  const refilled = await v.run({ op: 'set', key: 'kept', val: 'x', ttl: 'soon' })
  assert.match(refilled.body, /id="set-ttl" type="text" name="ttl" value="soon"[^>]*aria-invalid="true"/)
  assert.match(refilled.body, /id="set-key" type="text" name="key" value="kept" placeholder="k" autocomplete="off">/)
  assert.match(refilled.error!, /The TTL must be a whole number/)
  assert.deepEqual(refilled.lines, [], 'the previous run\'s True is not shown under the error')

  // A server error is the line python-memcached's user sees.
  await v.run({ op: 'set', key: 'text', val: 'abc' })
  const nonNumeric = await v.run({ op: 'incr', key: 'text' })
  assert.deepEqual(nonNumeric.lines, [">>> conn.incr('text')", 'Traceback (most recent call last):', '  ...', "ValueError: invalid literal for int() with base 10: b'CLIENT_ERROR cannot increment or decrement non-numeric value'"])
  assert.equal(nonNumeric.error, null)

  v.csrf = 'forged'
  const forged = await v.run({ op: 'set', key: 'k', val: 'x' })
  assert.equal(forged.status, 403)
  assert.match(forged.error!, /CSRF check failed/)
})

test('PLAYGROUND=off removes the page and its link', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { PLAYGROUND: 'off' })
  assert.equal((await app.inject({ url: '/memcache' })).statusCode, 404)
  assert.equal((await app.inject({ method: 'POST', url: '/memcache', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'op=get&key=k' })).statusCode, 404)
  assert.doesNotMatch((await app.inject({ url: '/' })).body, /href="\/memcache"/)
})

test('chapter 3 by hand: conn1 and conn2 each gets n; conn1\'s cas is True, conn2\'s False; conn2 reads again and stores', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  await v.run({ op: 'set', key: 'n', val: '9', card: 'conn1' })
  const one = await v.run({ op: 'gets', key: 'n', card: 'conn1' })
  const two = await v.run({ op: 'gets', key: 'n', card: 'conn2' })
  const tokenOf = (body: string, client: string) => new RegExp(`<section class="client" id="${client}"[\\s\\S]*?name="token" value="([0-9a-f]{16})"`).exec(body)![1]!
  // Both read 9 with the same version: the token is the item's, not the client's.
  assert.equal(tokenOf(two.body, 'conn1'), tokenOf(two.body, 'conn2'))
  assert.deepEqual(one.lines, [">>> conn1.set('n', 9)", 'True', ">>> conn1.gets('n')", `9  # CAS token ${BigInt('0x' + tokenOf(two.body, 'conn1'))}`])
  const first = await v.run({ op: 'cas', key: 'n', val: '99', token: tokenOf(two.body, 'conn1'), card: 'conn1' })
  assert.deepEqual(first.lines.slice(-2), [">>> conn1.cas('n', 99)", 'True'])
  const second = await v.run({ op: 'cas', key: 'n', val: '100', token: tokenOf(first.body, 'conn2'), card: 'conn2' })
  assert.deepEqual(second.lines.slice(-2), [">>> conn2.cas('n', 100)", 'False  # someone changed the key since gets'])
  // conn2's panel still shows its gets above the refused cas.
  assert.deepEqual(second.lines.slice(0, 2), [">>> conn2.gets('n')", second.lines[1]])
  const again = await v.run({ op: 'gets', key: 'n', card: 'conn2' })
  assert.match(again.lines.at(-1)!, /^99 {2}# CAS token \d+$/)
  assert.deepEqual((await v.run({ op: 'cas', key: 'n', val: '100', token: tokenOf(again.body, 'conn2'), card: 'conn2' })).lines.slice(-2), [">>> conn2.cas('n', 100)", 'True'])
  assert.equal(await app.playgroundPool!.a.get(`${namespacePrefix((await v.get('/memcache')).body)}n`), 100)
})

test('the console\'s line runs the tutorial\'s calls through the same commands, limits and history', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  const line = async (text: string) => {
    const run = await v.run({ line: text, card: 'console' })
    assert.equal(run.post.headers.location, '/memcache#console')
    const console = /<section class="card console"[\s\S]*?<\/section>/.exec(run.body)![0]
    return { console: unescapeHtml(console.replace(/<[^>]+>/g, '')), html: console }
  }
  assert.match((await line("conn.set('k', 'v', 1)")).console, />>> conn\.set\('k', 'v', 1\)\nTrue/)
  assert.match((await line("conn.set_multi({'a': 1, 'b': 'two'})")).console, />>> conn\.set_multi\(\{'a': 1, 'b': 'two'\}\)\n\[\]/)
  assert.match((await line("conn.get_multi(['a','b'])")).console, />>> conn\.get_multi\(\['a', 'b'\]\)\n\{'a': 1, 'b': 'two'\}/)
  assert.match((await line("conn.gets('a')")).console, />>> conn\.gets\('a'\)\n1 {2}# CAS token \d+/)
  // cas after gets, as with cache_cas=True: the console keeps the token of its last gets of the key.
  assert.match((await line("conn.cas('a', 100)")).console, />>> conn\.cas\('a', 100\)\nTrue/)
  assert.match((await line("conn.cas('a', 200)")).console, />>> conn\.cas\('a', 200\)\nFalse {2}# someone changed the key since gets/)
  // The same limits as the cards, and a line it cannot read: refused in the console, the line kept to fix.
  const long = await line(`conn.set('${'k'.repeat(240)}', 1)`)
  assert.match(long.console, /refused: The key is 240 bytes; playground keys may have at most 230/)
  const bad = await line('conn.flush_all()')
  assert.match(bad.console, /refused: AttributeError: 'Client' object has no attribute 'flush_all'/)
  assert.match(bad.html, /id="console-line" type="text" name="line" value="conn.flush_all\(\)"/)
  assert.match(bad.html, /aria-invalid="true"/)
  // History: the calls run, offered to the input line, newest first.
  const calls = [...bad.html.matchAll(/<option value="([^"]*)">/g)].map((m) => unescapeHtml(m[1]!))
  assert.deepEqual(calls.slice(0, 2), ["conn.cas('a', 200)", "conn.cas('a', 100)"])
})
