// /cluster and /cluster.json on four real nodes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { connect as connectTls } from 'node:tls'
import { readFileSync } from 'node:fs'
import { buildTestApp, eventually, MEMCACHED_ENV, PROTOCOL, startCluster, Visitor } from '../helper.ts'

interface NodeJson { protocol: string, tls: boolean, weight: number, sampleShare: number, expectedShare: number, up: boolean, items: number, address: string, error: string | null }

/** The version a node reports for itself, asked with memcached's text `version` command. */
async function reportedVersion (port: number): Promise<string> {
  const ca = MEMCACHED_ENV.MEMCACHED_TLS_CA
  const socket = ca ? connectTls({ host: '127.0.0.1', port, ca: readFileSync(ca) }) : connect(port, '127.0.0.1')
  socket.write('version\r\n')
  let text = ''
  for await (const chunk of socket) {
    text += String(chunk)
    if (text.includes('\r\n')) break
  }
  socket.destroy()
  return /^VERSION (\S+)\r\n/.exec(text)?.[1] ?? `no version in ${JSON.stringify(text)}`
}

test('/cluster.json: shares within 2 points of the weights, node stats, a stopped node shows as down', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')

  const body = (await app.inject({ url: '/cluster.json' })).json()
  assert.equal(body.sampleKeys, 10_000)
  assert.deepEqual(body.buckets, [0, 0, 0, 0, 1, 1, 1, 2, 3, 3])
  assert.deepEqual(body.nodes.map((n: NodeJson) => n.weight), [4, 3, 1, 2])
  t.diagnostic(`sampled shares: ${body.nodes.map((n: NodeJson) => (n.sampleShare * 100).toFixed(1) + '%').join(' / ')}`)
  for (const node of body.nodes) {
    assert.ok(Math.abs(node.sampleShare - node.expectedShare) <= 0.02, `${node.address}: ${node.sampleShare} vs ${node.expectedShare}`)
    assert.equal(node.up, true)
    assert.equal(node.version, await reportedVersion(Number(node.address.split(':').pop())))
    assert.equal(node.limitBytes, node.weight * 8 * 1024 * 1024)
    assert.equal(node.protocol, PROTOCOL)
    assert.equal(node.tls, MEMCACHED_ENV.MEMCACHED_TLS === 'on')
  }
  assert.equal(body.nodes.reduce((sum: number, n: NodeJson) => sum + n.items, 0), 2) // the session and its copy
  const page = (await app.inject({ url: '/cluster' })).body
  assert.equal(page.match(new RegExp(`<span class="protocol[^>]*>${PROTOCOL}${MEMCACHED_ENV.MEMCACHED_TLS === 'on' ? ' · TLS' : ''}</span>`, 'g'))?.length, 4)

  await cluster.nodes[2]!.stop('SIGKILL')
  // The stats are cached for a second: the dead node shows as soon as they are fetched again.
  let down = body
  await eventually(async () => {
    down = (await app.inject({ url: '/cluster.json' })).json()
    return down.nodes[2].up === false
  })
  assert.match(down.nodes[2].error, /down|ECONNREFUSED|closed/)
  assert.equal(down.nodes[2].sampleShare, 0)
  assert.ok(Math.abs(down.nodes.reduce((s: number, n: NodeJson) => s + n.sampleShare, 0) - 1) < 1e-9)
})

test('cheap pages: concurrent requests share one stats fetch, and the sample is drawn once per set of live nodes', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  let statsCalls = 0
  const stats = app.memcache.stats.bind(app.memcache)
  app.memcache.stats = (node: number) => { statsCalls++; return stats(node) }

  const first = await Promise.all(Array.from({ length: 10 }, () => app.inject({ url: '/cluster.json' })))
  assert.equal(statsCalls, 4) // one fetch per node for ten requests
  const shares = first[0]!.json().nodes.map((n: NodeJson) => n.sampleShare)
  for (const response of first) assert.deepEqual(response.json().nodes.map((n: NodeJson) => n.sampleShare), shares)
  await app.inject({ url: '/cluster' })
  assert.equal(statsCalls, 4) // still fresh

  // Once the stats are stale they are fetched again, but the 10,000-key sample is the same one
  // (a new random sample would differ in some share).
  const fetchedAt = first[0]!.json().fetchedAt
  let later = first[0]!.json()
  await eventually(async () => {
    later = (await app.inject({ url: '/cluster.json' })).json()
    return later.fetchedAt !== fetchedAt
  })
  assert.equal(statsCalls, 8)
  assert.deepEqual(later.nodes.map((n: NodeJson) => n.sampleShare), shares)
})

test('which node holds a key: the formula, the node, whether a playground key is there, and the re-hash while its node is down', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  await app.memcache.set('pg:key5', 'x')
  const address = (i: number) => `${cluster.nodes[i]!.address.host}:${cluster.nodes[i]!.spec.port}`

  const found = (await app.inject({ url: '/cluster.json?key=pg%3Akey5' })).json().lookup
  // zlib.crc32(b'pg:key5') = 2232545221; (2232545221 >> 16) & 0x7fff = 1297; 1297 % 10 = 7 -> node 2
  assert.deepEqual(found, { key: 'pg:key5', node: 2, address: address(2), steps: [{ input: 'pg:key5', crc32: 2232545221, hash: 1297, bucket: 7, server: 2 }], homeNode: null, present: true })
  assert.equal((await app.inject({ url: '/cluster.json?key=pg%3Aabsent' })).json().lookup.present, false)

  const page = await app.inject({ url: '/cluster?key=pg%3Akey5' })
  assert.match(page.body, /\(crc32\(key\) &gt;&gt; 16\) &amp; 0x7fff<\/code> \(or 1 if that is 0\)/)
  assert.match(page.body, /crc32\(<code class="key">pg:key5<\/code>\) = 2232545221;\s+\(2232545221 &gt;&gt; 16\) &amp; 0x7fff = hash 1297; 1297 % 10 = bucket 7 → node 2/)
  assert.equal(page.body.match(/<li class="bucket /g)!.length, 10)
  assert.match(page.body, /<li class="bucket n2 hit"><span class="b">bucket 7<\/span>/)
  assert.match(page.body, /It is <strong>there now<\/strong>/)

  await cluster.nodes[2]!.stop('SIGKILL')
  await app.memcache.get('pg:key5').catch(() => {}) // a request to the dead node marks it down
  const moved = (await app.inject({ url: '/cluster.json?key=pg%3Akey5' })).json().lookup
  assert.equal(moved.node, 0) // python-memcached's rehash: "12970" -> 7461 -> bucket 1 -> node 0
  assert.deepEqual(moved.steps[1], { input: '12970', crc32: moved.steps[1].crc32, hash: 7461, bucket: 1, server: 0 })
  assert.equal(moved.homeNode, 2)
  assert.equal(moved.present, false)
  const downPage = await app.inject({ url: '/cluster?key=pg%3Akey5' })
  assert.match(downPage.body, /<p class="warning">Its own node \(2\) is down/)
  assert.match(downPage.body, /node 2 is down, so re-hash <code>12970<\/code>/)
})

test('the lookup is no existence oracle for session ids, and says what is wrong with a bad or empty key', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')
  const id = visitor.sessionId!
  assert.match(id, /^[0-9a-f]{32}$/)

  const json = (await app.inject({ url: `/cluster.json?key=${id}` })).json().lookup
  assert.equal(json.present, null) // not asked
  assert.equal(json.node, app.memcache.nodeIndexFor(id)) // where it would route is still shown
  const absent = (await app.inject({ url: `/cluster.json?key=${'0'.repeat(32)}` })).json().lookup
  assert.deepEqual({ ...absent, key: id, steps: null, node: null, address: null }, { ...json, key: id, steps: null, node: null, address: null })
  const page = await app.inject({ url: `/cluster?key=${id}` })
  assert.match(page.body, /Whether it is there now is not checked: it is not a playground key/)
  assert.doesNotMatch(page.body, /there now<\/strong>/)

  const empty = await app.inject({ url: '/cluster?key=' })
  assert.equal(empty.statusCode, 400)
  assert.match(empty.body, /<p class="error" role="alert" id="lookup-error">Type a key to locate/)
  assert.match(empty.body, /aria-invalid="true" aria-describedby="lookup-error"/)
  const bad = await app.inject({ url: '/cluster?key=has%20space' })
  assert.equal(bad.statusCode, 400)
  assert.match(bad.body, /Not a valid memcached key/)
})

test('the session page links to its own node on /cluster without its id, and /cluster points that node out', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  const home = await visitor.get('/')
  const id = visitor.sessionId!
  const node = app.memcache.nodeIndexFor(id)!
  assert.ok(home.body.includes(`<a href="/cluster?node=${node}#node-${node}">node ${node}</a>`))
  assert.ok(!home.body.includes(id), 'the session id is not in the page')

  const page = await app.inject({ url: `/cluster?node=${node}` })
  assert.equal(page.statusCode, 200)
  assert.match(page.body, new RegExp(`<tr id="node-${node}" data-node="${node}" class="pointed">`))
  assert.equal(page.body.match(/class="pointed"/g)!.length, 1)
  assert.match(page.body, /your session<\/strong>/)
  assert.equal((await app.inject({ url: '/cluster?node=9' })).body.match(/class="pointed"/g), null) // no such node: nothing pointed
  assert.equal((await app.inject({ url: '/cluster?node=x' })).statusCode, 400)
})

test('the cluster page draws both charts as SVG, with a row label and value text per node', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const page = await app.inject({ url: '/cluster' })
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /<a href="\/cluster" aria-current="page"><span class="num">4<\/span> Cluster<\/a>/)
  const shares = /<svg class="chart" id="share-chart"[\s\S]*?<\/svg>/.exec(page.body)![0]
  const items = /<svg class="chart" id="items-chart"[\s\S]*?<\/svg>/.exec(page.body)![0]
  assert.equal(shares.match(/<rect class="bar /g)!.length, 8)
  assert.equal(items.match(/<rect class="bar /g)!.length, 4)
  assert.equal(shares.match(/<text class="axis"[^>]*>node \d · /g)!.length, 4)
  assert.match(shares, /<text class="value"[^>]*>40.0%<\/text>/) // node 0's expected share
})

test('under ketama the page explains the ring instead of buckets, and a lookup has no hash steps', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { MEMCACHED_HASHING: 'ketama' })
  await app.memcache.set('pg:ring', 'x')
  const page = await app.inject({ url: '/cluster?key=pg%3Aring' })
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /Under ketama there are no buckets/)
  assert.doesNotMatch(page.body, /<li class="bucket /)
  assert.doesNotMatch(page.body, /<ol class="steps">/)
  const lookup = (await app.inject({ url: '/cluster.json?key=pg%3Aring' })).json()
  assert.equal(lookup.buckets, null)
  assert.equal(lookup.lookup.node, app.memcache.nodeIndexFor('pg:ring'))
  assert.deepEqual(lookup.lookup.steps, [])
  assert.equal(lookup.lookup.present, true)
})

test('a playground pool of its own: /cluster shows it, and a playground key is located over it, on its weighted node', async (t) => {
  const cluster = await startCluster(t)
  const pool = await startCluster(t)
  const app = await buildTestApp(t, cluster, { PLAYGROUND_MEMCACHED_SERVERS: pool.serversSetting })
  await app.playgroundPool!.a.set('pg:key5', 'x')
  const body = (await app.inject({ url: '/cluster.json?key=pg%3Akey5' })).json()
  assert.deepEqual(body.playground.nodes.map((n: NodeJson) => [n.address, n.weight]), pool.nodes.map((n) => [`127.0.0.1:${n.spec.port}`, n.spec.weight]))
  assert.deepEqual(body.playground.buckets, [0, 0, 0, 0, 1, 1, 1, 2, 3, 3])
  // The same formula as the session cluster's, over the playground's nodes: bucket 7, its node 2, and it is there.
  assert.deepEqual(body.lookups, [{ pool: 'playground', role: 'home', key: 'pg:key5', node: 2, address: `127.0.0.1:${pool.nodes[2]!.spec.port}`, steps: [{ input: 'pg:key5', crc32: 2232545221, hash: 1297, bucket: 7, server: 2 }], homeNode: null, present: true }])
  assert.equal(body.lookup.node, 2)
  assert.equal(await app.memcache.get('pg:key5'), undefined, 'not in the session cluster')

  const page = await app.inject({ url: '/cluster?key=pg%3Akey5' })
  assert.match(page.body, /<h2 id="nodes-title">The session cluster: nodes<\/h2>[\s\S]*<h2 id="pg-nodes-title">The playground&#39;s pool: nodes<\/h2>/)
  assert.equal(page.body.match(/<tr id="pg-node-\d"/g)!.length, 4)
  assert.match(page.body, /<code class="key">pg:key5<\/code> goes to <strong>node 2<\/strong> of the playground&#39;s pool \(127\.0\.0\.1:\d+\)\.\s+It is <strong>there now<\/strong>/)
  // Any other key, a session id's shape, is located in the session cluster, and never checked.
  const other = (await app.inject({ url: `/cluster.json?key=${'a'.repeat(32)}` })).json()
  assert.equal(other.lookups[0].pool, 'sessions')
  assert.equal(other.lookup.present, null)
})

test('per node, from this process: requests per second and p99 where the traffic went, and a stopped node\'s down since and next probe', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')
  for (let i = 0; i < 20; i++) await visitor.get()
  const copies = app.sessions.copies(visitor.sessionId!)

  const body = (await app.inject({ url: '/cluster.json' })).json()
  for (const [index, node] of body.nodes.entries()) {
    if (copies.includes(index)) {
      // 21 reads and a write at least, within the 10-second window.
      assert.ok(node.traffic.count >= 22, `node ${index}: ${JSON.stringify(node.traffic)}`)
      assert.ok(node.traffic.perSecond >= 2.2)
      assert.ok(node.traffic.p99Ms > 0)
    }
    assert.equal(node.downSince, null)
    assert.equal(node.nextProbeAt, null)
  }
  const page = (await app.inject({ url: '/cluster' })).body
  assert.match(page, new RegExp(`id="node-${copies[0]}"[^]*?from here: <span class="rate">[\\d.]+ req/s</span>, p99 <span class="p99">[\\d.]+ ms</span>`))

  await cluster.nodes[2]!.stop('SIGKILL')
  let down = body
  await eventually(async () => {
    down = (await app.inject({ url: '/cluster.json' })).json()
    return down.nodes[2].up === false
  })
  assert.ok(down.nodes[2].downSince > 0 && down.nodes[2].downSince <= down.fetchedAt)
  // Null while a probe is on its way (none is scheduled until it fails).
  assert.ok(down.nodes[2].nextProbeAt === null || down.nodes[2].nextProbeAt >= down.nodes[2].downSince)
  assert.match((await app.inject({ url: '/cluster' })).body, /id="node-2"[^]*?down for \d+ seconds?, (next probe in \d+\.\d s|being probed)/)
})

test('METRICS_PORT=off: no per-node figures on the cluster page, the rest as before', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { METRICS_PORT: 'off' })
  await new Visitor(app).set('k', 'v')
  assert.equal(app.metrics, null)
  const body = (await app.inject({ url: '/cluster.json' })).json()
  assert.ok(body.nodes.every((n: { traffic: unknown, up: boolean }) => n.traffic === null && n.up))
  assert.doesNotMatch((await app.inject({ url: '/cluster' })).body, /from here:/)
})
