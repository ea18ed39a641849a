// Every transcript in three views: the Python the tutorial writes, the same call on this project's
// client (TypeScript, as Node's REPL prints it), and the wire (the lines sent to the node that
// holds the key, and its answer). Run over meta and, in the binary pass, over binary.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, PROTOCOL, startCluster, unescapeHtml } from '../helper.ts'
import { namespacePrefix, PlaygroundVisitor, transcriptView, UNLIMITED } from './playground-visitor.ts'

test('a card\'s run shows as Python, as TypeScript and as the wire, on the node the key routes to', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  const set = await v.run({ op: 'set', key: 'k', val: "'<b>v</b>'" })
  assert.deepEqual(set.lines, [">>> conn.set('k', '<b>v</b>')", 'True'])
  assert.equal(set.ts, "> await conn.set('k', '<b>v</b>')\ntrue\n")
  const prefix = namespacePrefix(set.body)
  const node = app.playgroundPool!.a.nodes[app.playgroundPool!.a.nodeIndexFor(`${prefix}k`)!]!
  const ttl = app.config.playgroundMaxTtlSeconds
  if (PROTOCOL === 'meta') {
    assert.match(set.wire!, new RegExp(`^# conn\\.set\\('k', '<b>v</b>'\\)\\n# to ${node.label}\\nms ${prefix}k 8 MS c F16 T${ttl}\\n<b>v</b>\\nHD c\\d+\\n$`))
  } else {
    assert.match(set.wire!, new RegExp(`^# conn\\.set\\('k', '<b>v</b>'\\)\\n# to ${node.label}\\nSET key=${prefix}k\\nstored, cas \\d+\\n$`))
  }
  // Escaped in every view: the value's markup is text, never markup.
  assert.doesNotMatch(set.body, /<b>v<\/b>/)

  const multi = await v.run({ op: 'get_multi', keys: 'k absent' })
  assert.equal(multi.ts, "> await conn.getMulti([ 'k', 'absent' ])\nMap(1) { 'k' => '<b>v</b>' }\n")
  // One round trip per node that holds a key: each node the keys route to, named.
  for (const key of ['k', 'absent']) {
    const label = app.playgroundPool!.a.nodes[app.playgroundPool!.a.nodeIndexFor(`${prefix}${key}`)!]!.label
    assert.ok(multi.wire!.includes(`# to ${label}\n`), `${key} on ${label}: ${multi.wire}`)
  }
  if (PROTOCOL === 'meta') assert.match(multi.wire!, new RegExp(`mg ${prefix}k v c f q O0\\n(mg ${prefix}absent v c f q O1\\n)?mn\\nVA 8 c\\d+ f16 O0\\n<b>v</b>\\nMN\\n`))

  const incr = await v.run({ op: 'incr', key: 'k' })
  const refusal = PROTOCOL === 'meta' ? 'CLIENT_ERROR cannot increment or decrement non-numeric value' : 'status 0x0006: Non-numeric server-side value for incr or decr'
  assert.equal(incr.ts, `> await conn.incr('k')\nUncaught ServerError: memcached refused the request (non-numeric): ${refusal} { code: 'MC_ERR_SERVER' }\n`)
  if (PROTOCOL === 'meta') assert.match(incr.wire!, new RegExp(`ma ${prefix}k MI D1 v\\nCLIENT_ERROR cannot increment or decrement non-numeric value\\n$`))

  const missing = await v.run({ op: 'delete', key: 'absent' })
  assert.equal(missing.ts, "> await conn.delete('absent')\nfalse\n") // python-memcached says 1; our client tells
  assert.equal(missing.lines[1], '1  # the key was not there: python-memcached says 1 all the same')
})

test('the console opens with each view\'s connect lines; chapter 3\'s clients show gets and compareAndSwap', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, UNLIMITED)
  const v = new PlaygroundVisitor(app)
  const page = (await v.get('/memcache')).body
  const consoleHtml = /<section class="card console"[\s\S]*?<\/section>/.exec(page)![0]
  const view = (name: string) => unescapeHtml(new RegExp(`<pre class="as-${name}">([\\s\\S]*?)</pre>`).exec(consoleHtml)![1]!.replace(/<[^>]+>/g, ''))
  const servers = app.playgroundPool!.a.nodes.map((n) => `{ host: '${n.address.host}', port: ${n.address.port}, weight: ${n.address.weight} }`).join(', ')
  assert.match(view('python'), /^>>> import memcache\n>>> conn = memcache\.Client\(\[\('127\.0\.0\.1:\d+', 4\), /)
  assert.ok(view('ts').startsWith(`> import { MemcacheClient } from '@memcache-session/client'\n${PROTOCOL === 'binary' ? "> import { binaryTransport } from '@memcache-session/client/binary'\n" : ''}> const conn = new MemcacheClient({ servers: [${servers}]${PROTOCOL === 'binary' ? ', transport: binaryTransport' : ''} })\n`), view('ts'))
  assert.match(view('wire'), /^# one connection per node \(127\.0\.0\.1:\d+, /)
  // The switch: one radio group per transcript, Python chosen; a label for each.
  assert.match(consoleHtml, /<input type="radio" class="view-python" name="view-console" id="view-console-python" value="python" checked><label for="view-console-python">Python<\/label>/)

  await v.run({ op: 'set', key: 'n', val: '9', card: 'conn1' })
  const gets = await v.run({ op: 'gets', key: 'n', card: 'conn2' })
  assert.match(gets.ts!, /\n> const conn2 = new MemcacheClient\(\{ servers: \[.*\](, transport: binaryTransport)? \}\)\n> item2 = await conn2\.gets\('n'\)\n\{ value: 9, cas: <Buffer( [0-9a-f]{2}){8}> \}\n$/)
  const token = /<section class="client" id="conn2"[\s\S]*?name="token" value="([0-9a-f]{16})"/.exec(gets.body)![1]!
  await v.run({ op: 'set', key: 'n', val: '10', card: 'conn1' })
  const cas = await v.run({ op: 'cas', key: 'n', val: '100', token, card: 'conn2' })
  assert.match(cas.ts!, /> await conn2\.compareAndSwap\('n', 100, item2\.cas\)\n'exists'\n$/)
  assert.equal(transcriptView(cas.body, 'python')!.includes(">>> conn1.set('n', 10)\nTrue"), true)
})
