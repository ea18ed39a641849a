// /metrics on a real app process (server/main.ts) over four real memcached nodes: the figures move
// as the traffic says (a hit, a miss, a CAS conflict, a node stopped), the scrape is on
// METRICS_PORT and not on the public port, and no session id the test made appears in it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { eventually, makeClient, startCluster } from '../helper.ts'
import { HttpVisitor, startAppProcess, type AppProcess } from '../support/app-process.ts'
import { freePort } from '../../tools/ports.ts'
import { metricValue } from '../support/prometheus.ts'

async function scrape (port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`)
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/)
  return response.text()
}

test('a hit, a miss, a CAS conflict and a node stopped, as /metrics counts them; no session id in it', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  const metricsPort = await freePort()
  const app: AppProcess = await startAppProcess(t, cluster, { METRICS_PORT: String(metricsPort) })
  const ids = new Set<string>()
  const cookies = new Set<string>()
  const keep = (visitor: HttpVisitor) => { ids.add(visitor.sessionId!); cookies.add(visitor.cookie!) }

  // Not on the public port.
  assert.equal((await fetch(new URL('metrics', app.url))).status, 404)
  const before = await scrape(metricsPort)
  assert.equal(metricValue(before, 'session_copies'), 2)

  // A new session, its first write (created), then a hit: the page view loads it from two copies.
  const visitor = new HttpVisitor()
  assert.equal(await visitor.set(app, 'k', 'v'), 303)
  keep(visitor)
  assert.deepEqual({ ...(await visitor.get(app)).data }, { k: 'v' })
  let text = await scrape(metricsPort)
  assert.ok(metricValue(text, 'session_opens_total', { outcome: 'new', reason: 'no-cookie' }) >= 1)
  assert.equal(metricValue(text, 'session_writes_total', { kind: 'created' }), 1)
  assert.equal(metricValue(text, 'session_opens_total', { outcome: 'issued' }), 1) // the POST, on the lazy id
  assert.equal(metricValue(text, 'session_opens_total', { outcome: 'loaded' }), 1)
  assert.equal(metricValue(text, 'session_reads_total', { result: 'found' }), 1)
  assert.equal(metricValue(text, 'session_reads_one_copy_total'), 0)
  assert.ok(metricValue(text, 'http_request_duration_seconds_count', { method: 'POST', route: '/', status_code: '303' }) >= 1)
  assert.ok(metricValue(text, 'http_request_duration_seconds_count', { method: 'GET', route: '/', status_code: '200' }) >= 1)
  assert.ok(metricValue(text, 'memcached_command_duration_seconds_count', { pool: 'sessions', command: 'gat', outcome: 'ok' }) >= 2) // both copies
  assert.equal(metricValue(text, 'memcached_command_duration_seconds_count', { pool: 'sessions', command: 'add', outcome: 'ok' }), 2) // the first store, on both copies

  // One copy lost (as by an eviction): the next read finds it on one copy and repairs the other.
  const [home, copy] = mc.routeChain(visitor.sessionId!)
  await mc.onNode(copy!).delete(visitor.sessionId!)
  assert.deepEqual({ ...(await visitor.get(app)).data }, { k: 'v' })
  await eventually(async () => metricValue(await scrape(metricsPort), 'session_repairs_total', { kind: 'lagging', outcome: 'stored' }) === 1)
  assert.equal(metricValue(await scrape(metricsPort), 'session_reads_one_copy_total'), 1)

  // A miss: the record gone from both copies; the cookie's session is lost, a new one starts.
  await Promise.all([home!, copy!].map((node) => mc.onNode(node).delete(visitor.sessionId!)))
  const lostBefore = metricValue(await scrape(metricsPort), 'session_opens_total', { outcome: 'lost', reason: 'missing' })
  await visitor.get(app)
  text = await scrape(metricsPort)
  assert.equal(metricValue(text, 'session_opens_total', { outcome: 'lost', reason: 'missing' }), lostBefore + 1)
  assert.ok(metricValue(text, 'session_reads_total', { result: 'missing' }) >= 1)

  // CAS conflicts: concurrent writes on one session (one cookie) lose rounds and are re-applied.
  const writer = new HttpVisitor()
  assert.equal(await writer.set(app, 'first', '0'), 303)
  keep(writer)
  for (let burst = 0; burst < 20 && metricValue(await scrape(metricsPort), 'session_cas_conflicts_total') === 0; burst++) {
    const statuses = await Promise.all(Array.from({ length: 12 }, (_, i) => Object.assign(new HttpVisitor(), { cookie: writer.cookie, csrf: writer.csrf }).set(app, `b${burst}k${i}`, 'v')))
    assert.ok(statuses.every((status) => status === 303), statuses.join(' '))
  }
  text = await scrape(metricsPort)
  assert.ok(metricValue(text, 'session_cas_conflicts_total') > 0)
  assert.equal(metricValue(text, 'session_write_failures_total'), 0)

  // A 404 is counted under no path of the visitor's choosing.
  assert.equal((await fetch(new URL('no-such-page?token=abc', app.url))).status, 404)
  text = await scrape(metricsPort)
  assert.ok(metricValue(text, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' }) >= 1)
  assert.ok(!text.includes('no-such-page'))

  // A node stopped: the heartbeat finds it down, /metrics and /readyz say so, page views go on.
  const stopped = `127.0.0.1:${cluster.servers[2]!.port}`
  assert.equal(metricValue(text, 'memcached_node_up', { pool: 'sessions', node: stopped }), 1)
  await cluster.nodes[2]!.stop('SIGKILL')
  await eventually(async () => metricValue(await scrape(metricsPort), 'memcached_node_up', { pool: 'sessions', node: stopped }) === 0, 10_000)
  text = await scrape(metricsPort)
  const downSince = metricValue(text, 'memcached_node_down_since_timestamp_seconds', { pool: 'sessions', node: stopped })
  assert.ok(downSince > 0 && downSince <= Date.now() / 1000)
  assert.equal(metricValue(text, 'memcached_node_up', { pool: 'sessions' }), 3) // the sum over the others
  const ready = await (await fetch(new URL('readyz', app.url))).json() as { down: string[] }
  assert.deepEqual(ready.down, [stopped])
  const later = new HttpVisitor()
  assert.equal(await later.set(app, 'after', 'stop'), 303)
  keep(later)
  assert.deepEqual({ ...(await later.get(app)).data }, { after: 'stop' })

  text = await scrape(metricsPort)
  t.diagnostic(`scrape: ${text.split('\n').filter((line) => /^(session_|memcached_node_up)/.test(line)).join(' | ')}`)
  for (const id of ids) assert.ok(!text.includes(id), 'a session id in /metrics')
  for (const cookie of cookies) assert.ok(!text.includes(cookie.slice(cookie.indexOf('=') + 1, cookie.indexOf('=') + 21)), 'a cookie in /metrics')
})
