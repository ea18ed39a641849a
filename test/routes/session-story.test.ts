// The session page tells its own view's story: nothing stored yet when nothing is; the commands
// this view sent (command, node, answer, bytes) beside the original's four; the idle deadline and
// the absolute end as times; and a lost session's cause (its node down, gone from memcached).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, startCluster, unescapeHtml, Visitor } from '../helper.ts'

const storyOf = (body: string) => unescapeHtml((/<section class="card session-story"[\s\S]*?<\/section>/.exec(body)?.[0] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '))
const rowsOf = (body: string) => [...(/<table class="data story-commands">[\s\S]*?<\/table>/.exec(body)?.[0] ?? '').matchAll(/<tr><td[^>]*>(\d+)<\/td><td[^>]*><code>([^<]+)<\/code>(?:<span class="meaning">[^<]*<\/span>)?<\/td><td[^>]*>([^<]+)<\/td><td[^>]*>([^<]+)<\/td><td[^>]*>([^<]+)<\/td><\/tr>/g)]
  .map(([, n, command, node, answer, bytes]) => ({ n: Number(n), command, node: unescapeHtml(node!), answer: unescapeHtml(answer!), bytes: Number(bytes!.replace(/,/g, '')) }))

for (const copies of [1, 2]) {
  test(`${copies === 1 ? 'one copy' : 'two copies'}: a first view costs nothing and says so; a stored session's view lists its commands on the nodes that hold it, and its deadlines`, async (t) => {
    const cluster = await startCluster(t)
    const app = await buildTestApp(t, cluster, { SESSION_REPLICAS: String(copies - 1) })
    const visitor = new Visitor(app)
    const first = (await visitor.get()).body
    assert.match(storyOf(first), /What this view asked memcached Nothing: no session of yours is stored yet/)
    assert.match(first, /Stored: nothing yet: the first change stores it/)
    assert.doesNotMatch(first, /<pre>\{\}<\/pre>/) // no record shown where there is none

    await visitor.set('name', 'Ada')
    const before = Date.now()
    const body = (await visitor.get()).body
    const id = visitor.sessionId!
    assert.ok(!body.includes(id), 'the session id is nowhere in the page')
    const rows = rowsOf(body)
    const chain = app.memcache.routeChain(id).slice(0, copies)
    assert.deepEqual(rows.map((r) => r.node).sort(), chain.map((i) => `node ${i} (${app.memcache.nodes[i]!.label})`).sort(), JSON.stringify(rows))
    const record = Buffer.byteLength(JSON.stringify({ name: 'Ada' }))
    for (const row of rows) {
      assert.equal(row.answer, 'found')
      assert.equal(row.bytes, record)
    }
    // The record's size as read, against the session's limit.
    assert.match(body, new RegExp(`<dt>Size</dt><dd>${record} B of the 64 KiB a session may hold \\(1%; a change past it is refused\\)\\.</dd>`))
    assert.match(storyOf(body), /What the Python original sends, every view \(4 commands\) get <id> .* set <id> <json> 1200/)
    // The idle deadline: this view plus the TTL; the absolute end: the session's start plus its maximum age.
    const idle = Date.parse(/<dt>Idle deadline<\/dt><dd><time datetime="([^"]+)">/.exec(body)![1]!)
    assert.ok(idle >= Math.floor(before / 1000) * 1000 + app.config.sessionTtlSeconds * 1000 - 1000 && idle <= Date.now() + app.config.sessionTtlSeconds * 1000, new Date(idle).toISOString())
    const end = Date.parse(/<dt>Absolute end<\/dt><dd><time datetime="([^"]+)">/.exec(body)![1]!)
    assert.ok(Math.abs(end - (before + app.config.sessionMaxAgeSeconds * 1000)) < 60_000, new Date(end).toISOString())
  })
}

test('a lost session\'s notice names its cause: the node that did not answer, or a record memcached no longer has', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { SESSION_REPLICAS: '0' })
  const gone = new Visitor(app)
  await gone.set('k', 'v')
  const home = app.memcache.nodeIndexFor(gone.sessionId!)!
  await app.memcache.delete(gone.sessionId!)
  const page = (await gone.get()).body
  assert.match(page, /<p class="warning" role="status">Your previous session is gone: memcached no longer had it \(idle for more than 20 minutes, or evicted to make room\), so a new session was started/)
  // Not on its node: the session layer also looks along the route chain (a record moved by a failover).
  const rows = rowsOf(page)
  assert.equal(rows[0]!.command, 'gat')
  assert.equal(rows[0]!.node, `node ${home} (${app.memcache.nodes[home]!.label})`)
  assert.ok(rows.every((r) => r.answer === 'nothing there'), JSON.stringify(rows))

  // A visitor whose home node is 1, then node 1 killed.
  let down: Visitor
  do {
    down = new Visitor(app)
    await down.set('k', 'v')
  } while (app.memcache.nodeIndexFor(down.sessionId!) !== 1)
  await cluster.nodes[1]!.stop('SIGKILL')
  const lost = (await down.get()).body
  const label = app.memcache.nodes[1]!.label
  assert.match(lost, new RegExp(`Your previous session is out of reach: the memcached node holding it is unavailable \\(node 1 \\(${label.replace(/\./g, '\\.')}\\): MC_ERR_[A-Z_]+\\), so a new session was started`))
  assert.ok(rowsOf(lost).some((r) => r.node === `node 1 (${label})` && /^no answer \(MC_ERR_[A-Z_]+\)$/.test(r.answer)), JSON.stringify(rowsOf(lost)))
})

test('two views at once each list only their own commands', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { SESSION_REPLICAS: '1' })
  const visitors = [new Visitor(app), new Visitor(app), new Visitor(app)]
  for (const [i, v] of visitors.entries()) await v.set('who', `visitor ${i}`)
  const pages = await Promise.all(visitors.flatMap((v) => [v.get(), v.get()]))
  pages.forEach((page, i) => {
    const visitor = visitors[Math.floor(i / 2)]!
    const chain = app.memcache.routeChain(visitor.sessionId!).slice(0, 2).map((n) => `node ${n} (${app.memcache.nodes[n]!.label})`)
    const rows = rowsOf(page.body)
    assert.ok(rows.length >= 1 && rows.length <= 2, JSON.stringify(rows))
    for (const row of rows) assert.ok(chain.includes(row.node), `${row.node} is not one of ${chain.join(', ')}`)
  })
})
