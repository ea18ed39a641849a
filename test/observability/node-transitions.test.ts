// memcached_node_down_total and memcached_node_up_total on a real app process over real memcached
// nodes: a node stopped (SIGSTOP: it hangs) and continued, another killed and restarted, each
// counted down once and up once, always in step with memcached_node_up (down - up = 1 - up); and
// a pool seen by two clients (the playground's own: its client A, which the heartbeat keeps, and
// client B, the tutorial's second terminal) counts each transition once, however many of its
// clients see the node fall and come back.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { eventually, makeClient, startCluster } from '../helper.ts'
import { HttpVisitor, startAppProcess } from '../support/app-process.ts'
import { stopped } from '../support/memcached-process.ts'
import { metricValue } from '../support/prometheus.ts'
import { namespacePrefix, readCard } from '../routes/playground-visitor.ts'
import { freePort } from '../../tools/ports.ts'
import type { LocalCluster } from '../../tools/local-cluster.ts'

/** Each node of `pool`: [times down, times up, memcached_node_up], in one scrape. */
function transitions (text: string, pool: string, cluster: LocalCluster): Array<[number, number, number]> {
  return cluster.servers.map((s) => {
    const labels = { pool, node: `127.0.0.1:${s.port}` }
    return [metricValue(text, 'memcached_node_down_total', labels), metricValue(text, 'memcached_node_up_total', labels), metricValue(text, 'memcached_node_up', labels)]
  })
}

/** Scrapes until `check` holds (a node's health changes within a heartbeat, a deadline and a probe); the scrape that held. */
async function scrapeUntil (port: number, check: (text: string) => boolean): Promise<string> {
  let text = ''
  await eventually(async () => check(text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()), 15_000)
  return text
}

test('a node stopped and continued, another killed and restarted: each down and up counted once, as memcached_node_up says', async (t) => {
  const cluster = await startCluster(t)
  const metricsPort = await freePort()
  // A deadline well past a loaded machine's pauses: a live node is never taken for a stopped one.
  await startAppProcess(t, cluster, { METRICS_PORT: String(metricsPort), MEMCACHED_TIMEOUT_MS: '2000' })
  const node = (i: number) => `127.0.0.1:${cluster.servers[i]!.port}`
  const up = (text: string, i: number) => metricValue(text, 'memcached_node_up', { pool: 'sessions', node: node(i) })

  let text = await scrapeUntil(metricsPort, (text) => text.includes('memcached_node_down_total'))
  assert.deepEqual(transitions(text, 'sessions', cluster), [[0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1]], 'every series there from the start, at 0')

  // Stopped: it hangs, the heartbeat's no-op passes its deadline, the node is down once.
  const pid = cluster.nodes[1]!.pid!
  process.kill(pid, 'SIGSTOP')
  await stopped(pid)
  text = await scrapeUntil(metricsPort, (text) => up(text, 1) === 0)
  assert.deepEqual(transitions(text, 'sessions', cluster), [[0, 0, 1], [1, 0, 0], [0, 0, 1], [0, 0, 1]])
  process.kill(pid, 'SIGCONT')
  text = await scrapeUntil(metricsPort, (text) => up(text, 1) === 1)
  assert.deepEqual(transitions(text, 'sessions', cluster), [[0, 0, 1], [1, 1, 1], [0, 0, 1], [0, 0, 1]])

  // Killed: refused from then on, down once; restarted, a probe finds it, up once.
  await cluster.nodes[3]!.stop('SIGKILL')
  text = await scrapeUntil(metricsPort, (text) => up(text, 3) === 0)
  assert.deepEqual(transitions(text, 'sessions', cluster), [[0, 0, 1], [1, 1, 1], [0, 0, 1], [1, 0, 0]])
  await cluster.nodes[3]!.start()
  text = await scrapeUntil(metricsPort, (text) => up(text, 3) === 1)
  assert.deepEqual(transitions(text, 'sessions', cluster), [[0, 0, 1], [1, 1, 1], [0, 0, 1], [1, 1, 1]])
  t.diagnostic(`scrape: ${text.split('\n').filter((line) => /^memcached_node_(up|down)/.test(line)).join(' | ')}`)
})

test('the playground\'s pool, seen by its two clients, counts a node\'s down and up once', async (t) => {
  const cluster = await startCluster(t)
  const playground = await startCluster(t)
  const metricsPort = await freePort()
  const app = await startAppProcess(t, cluster, {
    METRICS_PORT: String(metricsPort),
    MEMCACHED_TIMEOUT_MS: '2000',
    PLAYGROUND_MEMCACHED_SERVERS: playground.serversSetting,
    PLAYGROUND_KEYS_PER_MINUTE: '0'
  })
  const down = 2
  const label = `127.0.0.1:${playground.servers[down]!.port}`
  const playgroundUp = (text: string) => metricValue(text, 'memcached_node_up', { pool: 'playground', node: label })

  // A key of this visitor's whose home is the node to kill, found by a client on the same nodes.
  const visitor = new HttpVisitor()
  const prefix = namespacePrefix((await visitor.playground(app, { op: 'get', key: 'k' })).body)
  const mc = makeClient(t, playground)
  let i = 0
  while (mc.nodeIndexFor(`${prefix}k${i}`) !== down) i++
  const key = `k${i}`
  // Client B's gets (the conn2 card), and where it went: the wire view of its newest run.
  const conn2Gets = async () => {
    const page = await visitor.playground(app, { op: 'gets', key, card: 'conn2' })
    assert.equal(page.status, 303)
    const wire = readCard(page.body, 'conn2').wire ?? ''
    return wire.slice(wire.lastIndexOf('# conn2.gets('))
  }
  const sentTo = (wire: string) => [...wire.matchAll(/^# to (.*)$/gm)].map((m) => m[1])
  assert.deepEqual(sentTo(await conn2Gets()), [label], 'client B sends the key to its home')

  // Killed: client A's heartbeat finds it down (counted); then client B's gets finds it refused
  // too (B's retry elsewhere says so), and that is not counted again.
  await playground.nodes[down]!.stop('SIGKILL')
  let text = await scrapeUntil(metricsPort, (text) => playgroundUp(text) === 0)
  assert.deepEqual(transitions(text, 'playground', playground)[down], [1, 0, 0])
  const wire = await conn2Gets()
  assert.match(wire, /no answer: memcached .* is down/)
  assert.equal(sentTo(wire)[0], label, 'client B had not seen it fail: tried it, then the next node')
  assert.equal(sentTo(wire).length, 2)
  text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
  assert.equal(metricValue(text, 'memcached_retries_total', { pool: 'playground', node: label, command: 'gets' }), 1, 'client B found it down')
  assert.deepEqual(transitions(text, 'playground', playground)[down], [1, 0, 0], 'once for the pool')

  // Restarted: A's and B's probes each find it back; the pool counts one up.
  await playground.nodes[down]!.start()
  await scrapeUntil(metricsPort, (text) => playgroundUp(text) === 1)
  await eventually(async () => sentTo(await conn2Gets())[0] === label, 15_000)
  text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text()
  assert.deepEqual(transitions(text, 'playground', playground), [[0, 0, 1], [0, 0, 1], [1, 1, 1], [0, 0, 1]])
  assert.deepEqual(transitions(text, 'sessions', cluster), [[0, 0, 1], [0, 0, 1], [0, 0, 1], [0, 0, 1]], 'the session cluster saw nothing')
  t.diagnostic(`scrape: ${text.split('\n').filter((line) => /^memcached_node_(up|down)(_total)?\{pool="playground"/.test(line)).join(' | ')}`)
})
