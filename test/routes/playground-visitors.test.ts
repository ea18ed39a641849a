// Each visitor's playground is their own, and their console survives runs, Back and Reload.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, startCluster } from '../helper.ts'
import { namespacePrefix, PlaygroundVisitor, UNLIMITED } from './playground-visitor.ts'

test('two visitors\' playground keys are independent; the tutorial still works for each', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const ada = new PlaygroundVisitor(app)
  const bob = new PlaygroundVisitor(app)

  await ada.run({ op: 'set', key: 'greeting', val: "'hello from ada'" })
  assert.deepEqual((await bob.run({ op: 'get', key: 'greeting' })).lines, [">>> conn.get('greeting')", 'None'])
  await bob.run({ op: 'set', key: 'greeting', val: "'hello from bob'" })
  assert.deepEqual((await ada.run({ op: 'get', key: 'greeting' })).lines, [">>> conn.get('greeting')", "'hello from ada'"])
  assert.deepEqual((await bob.run({ op: 'get', key: 'greeting' })).lines, [">>> conn.get('greeting')", "'hello from bob'"])

  // What broke everyone's CAS race in the issue: one visitor's `set n 10`, `append n abc`.
  await bob.run({ op: 'set', key: 'n', val: '10' })
  await bob.run({ op: 'append', key: 'n', val: 'abc' })
  const race = await ada.run({ op: 'cas_race' })
  assert.deepEqual(race.lines.slice(-2), [">>> conn1.get('n')", '2'])
  assert.equal((await ada.run({ op: 'delete_multi', keys: 'n greeting' })).lines[1], '1') // python-memcached's answer
  assert.deepEqual((await bob.run({ op: 'get_multi', keys: 'greeting' })).lines[1], "{'greeting': 'hello from bob'}")

  // Namespaces: distinct, stable, a keyed hash (never the session id), never a session key's shape.
  const adaPage = (await ada.get('/memcache')).body
  const prefixA = namespacePrefix(adaPage)
  const prefixB = namespacePrefix((await bob.get('/memcache')).body)
  assert.notEqual(prefixA, prefixB)
  assert.equal(namespacePrefix((await ada.get('/memcache')).body), prefixA)
  assert.ok(!adaPage.includes(ada.sessionId!))
  assert.ok(!prefixA.includes(ada.sessionId!.slice(0, 8)))
  assert.doesNotMatch(`${prefixA}x`, /^[0-9a-f]{32}$/)
  // Another visitor cannot reach Ada's keys by typing her stored key: it gets Bob's prefix too.
  assert.deepEqual((await bob.run({ op: 'get', key: `${prefixA}greeting` })).lines[1], 'None')
})

test('POST -> 303 -> GET: the console keeps the runs in order; Reload and Back run nothing again', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  const first = await v.run({ op: 'set', key: 'k', val: '1' })
  assert.equal(first.status, 303)
  assert.equal(first.post.headers.location, '/memcache#set')
  assert.equal(first.post.body, '')
  await v.run({ op: 'incr', key: 'k', delta: '5' })
  await v.run({ op: 'get', key: 'k' })
  const missing = await v.run({ op: 'get', key: '' })
  assert.equal(missing.post.headers.location, '/memcache#get')

  const page = await v.get('/memcache')
  assert.equal(page.statusCode, 200)
  assert.equal(page.headers['cache-control'], 'no-store')
  const console = /<section class="card console"[\s\S]*?<\/section>/.exec(page.body)![0]
  const calls = [...console.matchAll(/&gt;&gt;&gt;<\/span> (.*?)(?:<\/pre>)?$/gm)].map((m) => m[1])
  // The connect line first, as the tutorial's session starts, with the playground's weighted nodes.
  assert.deepEqual(calls.slice(0, 2), ['import memcache', `conn = memcache.Client([(&#39;${app.playgroundPool!.a.nodes[0]!.label}&#39;, 4), (&#39;${app.playgroundPool!.a.nodes[1]!.label}&#39;, 3), (&#39;${app.playgroundPool!.a.nodes[2]!.label}&#39;, 1), (&#39;${app.playgroundPool!.a.nodes[3]!.label}&#39;, 2)])`])
  assert.deepEqual(calls.slice(2), ['conn.set(&#39;k&#39;, 1)', 'conn.incr(&#39;k&#39;, 5)', 'conn.get(&#39;k&#39;)'])
  assert.match(console, /refused: Enter a key\./)
  // The other cards keep what was typed in them.
  assert.match(page.body, /id="set-key" type="text" name="key" value="k"/)
  assert.match(page.body, /id="incr-delta" type="text" name="delta" value="5"/)

  // Reload (GET again) shows the same and changes nothing.
  const reload = await v.get('/memcache')
  assert.equal([...reload.body.matchAll(/<li>/g)].length, [...page.body.matchAll(/<li>/g)].length)
  assert.deepEqual((await v.run({ op: 'get', key: 'k' })).lines[1], '6')
})

test('with its own pool, the playground writes nothing to the session cluster', async (t) => {
  const cluster = await startCluster(t)
  const pool = await startCluster(t, [1])
  const app = await buildTestApp(t, cluster, { ...UNLIMITED, PLAYGROUND_MEMCACHED_SERVERS: pool.serversSetting })
  const v = new PlaygroundVisitor(app)
  await v.get('/memcache')
  const itemsBefore = await Promise.all(app.memcache.nodes.map((_, i) => app.memcache.stats(i).then((s) => s.curr_items)))
  const run = await v.run({ op: 'set_multi', pairs: Array.from({ length: 20 }, (_, i) => `k${i}=${i}`).join('\n') })
  assert.deepEqual(run.lines[1], '[]')
  const itemsAfter = await Promise.all(app.memcache.nodes.map((_, i) => app.memcache.stats(i).then((s) => s.curr_items)))
  assert.deepEqual(itemsAfter, itemsBefore)
  assert.ok(run.nodes.includes(`k0 → node 0 (127.0.0.1:${pool.servers[0]!.port}, weight 1)`), run.nodes)
})

test('the playground\'s own memcached down: the page still comes, a command is a 503', async (t) => {
  const cluster = await startCluster(t)
  const pool = await startCluster(t, [1])
  const app = await buildTestApp(t, cluster, { ...UNLIMITED, PLAYGROUND_MEMCACHED_SERVERS: pool.serversSetting })
  const v = new PlaygroundVisitor(app)
  await v.run({ op: 'set', key: 'k', val: '1' })
  await pool.stop('SIGKILL')
  const page = await v.get('/memcache')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /The playground&#39;s memcached is not answering/)
  const run = await v.run({ op: 'get', key: 'k' })
  assert.equal(run.status, 503)
  // Sessions live elsewhere and are untouched.
  assert.equal((await v.get('/')).statusCode, 200)
})
