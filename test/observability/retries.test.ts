// memcached_retries_total on a real app process over four real memcached nodes, each behind a
// relay that can cut a connection with a request in flight (support/cut-relay.ts): a plain hit
// and a plain miss (a session's and the playground's) retry nothing; a playground get whose
// connection is cut under it is sent again where its key routes now and counted once, under its
// pool, the node that failed, the command and the failure's code; a compare-and-swap cut the same
// way may have been applied, so it is not sent again and not counted.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { eventually, makeClient, startCluster } from '../helper.ts'
import { HttpVisitor, startAppProcess } from '../support/app-process.ts'
import { startCutRelays } from '../support/cut-relay.ts'
import { metricValue } from '../support/prometheus.ts'
import { readCard } from '../routes/playground-visitor.ts'
import { freePort } from '../../tools/ports.ts'

async function scrape (port: number): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`)
  assert.equal(response.status, 200)
  return response.text()
}

test('a request cut in flight is retried and counted once; a hit or a miss is not, nor a CAS', async (t) => {
  const cluster = await startCluster(t)
  const relays = await startCutRelays(t, cluster.servers.map((s) => s.port))
  const servers = cluster.servers.map((s, i) => ({ host: '127.0.0.1', port: relays.ports[i]!, weight: s.weight }))
  const metricsPort = await freePort()
  const app = await startAppProcess(t, cluster, {
    METRICS_PORT: String(metricsPort),
    MEMCACHED_SERVERS: servers.map((s) => `${s.host}:${s.port}:${s.weight}`).join(','),
    PLAYGROUND_KEYS_PER_MINUTE: '0'
  })
  const mc = makeClient(t, cluster, { servers })

  // A session's hit, then its miss (both copies gone: the cookie's session is lost).
  const visitor = new HttpVisitor()
  assert.equal(await visitor.set(app, 'k', 'v'), 303)
  assert.deepEqual({ ...(await visitor.get(app)).data }, { k: 'v' })
  const chain = mc.routeChain(visitor.sessionId!).slice(0, 2)
  await Promise.all(chain.map((node) => mc.onNode(node).delete(visitor.sessionId!)))
  assert.deepEqual({ ...(await visitor.get(app)).data }, {})
  // The playground's (through the client's failover path, which a retry takes): a hit and a miss.
  const key = `retried-${process.pid}`
  assert.equal((await visitor.playground(app, { op: 'set', key, val: 'there' })).status, 303)
  assert.deepEqual(readCard((await visitor.playground(app, { op: 'get', key })).body, 'get').lines.slice(-2), [`>>> conn.get('${key}')`, "'there'"])
  assert.deepEqual(readCard((await visitor.playground(app, { op: 'get', key: `${key}-absent` })).body, 'get').lines.slice(-2), [`>>> conn.get('${key}-absent')`, 'None'])
  let text = await scrape(metricsPort)
  assert.ok(metricValue(text, 'session_reads_total', { result: 'found' }) >= 1 && metricValue(text, 'session_reads_total', { result: 'missing' }) >= 1, 'the session hit and miss were read')
  assert.equal(metricValue(text, 'memcached_retries_total'), 0, 'a hit or a miss retries nothing')

  // The get's connection cut as it leaves: its node is marked down, the get goes where the key
  // routes now (the next node, which never had it: None) and is counted once.
  const cutGet = relays.cut(key)
  const page = await visitor.playground(app, { op: 'get', key })
  const cutNode = `127.0.0.1:${relays.ports[await cutGet]!}`
  assert.equal(page.status, 303)
  assert.deepEqual(readCard(page.body, 'get').lines.slice(-2), [`>>> conn.get('${key}')`, 'None'])
  text = await scrape(metricsPort)
  t.diagnostic(`retries: ${text.split('\n').filter((line) => line.startsWith('memcached_retries_total')).join(' | ')}`)
  assert.equal(metricValue(text, 'memcached_retries_total', { pool: 'playground', node: cutNode, command: 'get', reason: 'MC_ERR_NODE_DOWN' }), 1)
  assert.equal(metricValue(text, 'memcached_retries_total'), 1, 'that retry only')
  assert.equal(metricValue(text, 'memcached_command_duration_seconds_count', { pool: 'playground', node: cutNode, command: 'get', outcome: 'MC_ERR_NODE_DOWN' }), 1)

  // A compare-and-swap cut in flight may have been applied: not sent again, not counted; its
  // outcome unknown, the page says memcached failed (503). gets first, until the key's home is
  // routed to again (the playground's client probes it back) and the key's token is there.
  let token: string | undefined
  await eventually(async () => {
    const gets = await visitor.playground(app, { op: 'gets', key, card: 'conn1' })
    token = /<section class="client" id="conn1"[\s\S]*?name="token" value="([0-9a-f]{16})"/.exec(gets.body)?.[1]
    return token !== undefined
  }, 10_000)
  const cutCas = relays.cut(key)
  const cas = await visitor.playground(app, { op: 'cas', key, val: 'again', token: token!, card: 'conn1' })
  await cutCas
  assert.equal(cas.status, 503)
  text = await scrape(metricsPort)
  assert.equal(metricValue(text, 'memcached_retries_total'), 1, 'the CAS was not sent again')
  assert.equal(metricValue(text, 'memcached_command_duration_seconds_count', { pool: 'playground', command: 'cas', outcome: 'MC_ERR_NODE_DOWN' }), 1, 'the CAS was cut')
})
