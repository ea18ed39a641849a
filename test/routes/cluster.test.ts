// /cluster and /cluster.json on four real nodes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { buildTestApp, startCluster, Visitor } from '../helper.ts'

/** The version a node reports for itself, asked with memcached's text `version` command. */
async function reportedVersion (port: number): Promise<string> {
  const socket = connect(port, '127.0.0.1')
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
  const app = await buildTestApp(t, cluster, { MEMCACHED_DEAD_RETRY_SECONDS: '60' })
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')

  const body = (await app.inject({ url: '/cluster.json' })).json()
  assert.equal(body.sampleKeys, 10_000)
  assert.deepEqual(body.nodes.map((n: { weight: number }) => n.weight), [4, 3, 1, 2])
  t.diagnostic(`sampled shares: ${body.nodes.map((n: { sampleShare: number }) => (n.sampleShare * 100).toFixed(1) + '%').join(' / ')}`)
  for (const node of body.nodes) {
    assert.ok(Math.abs(node.sampleShare - node.expectedShare) <= 0.02, `${node.address}: ${node.sampleShare} vs ${node.expectedShare}`)
    assert.equal(node.up, true)
    assert.equal(node.version, await reportedVersion(Number(node.address.split(':').pop())))
    assert.equal(node.limitBytes, node.weight * 8 * 1024 * 1024)
  }
  assert.equal(body.nodes.reduce((sum: number, n: { items: number }) => sum + n.items, 0), 1) // the session

  await cluster.nodes[2]!.stop('SIGKILL')
  const down = (await app.inject({ url: '/cluster.json' })).json()
  assert.equal(down.nodes[2].up, false)
  assert.match(down.nodes[2].error, /down|ECONNREFUSED|closed/)
  assert.equal(down.nodes[2].sampleShare, 0)
  assert.ok(Math.abs(down.nodes.reduce((s: number, n: { sampleShare: number }) => s + n.sampleShare, 0) - 1) < 1e-9)
})

test('which node holds a key: the node, why, whether it is there, and where it goes while its node is down', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { MEMCACHED_DEAD_RETRY_SECONDS: '60' })
  await app.memcache.set('key5', 'x')

  const found = (await app.inject({ url: '/cluster.json?key=key5' })).json().lookup
  assert.deepEqual(found, { key: 'key5', node: 2, address: cluster.nodes[2]!.address.host + ':' + cluster.nodes[2]!.spec.port, steps: [{ hash: 11057, bucket: 7, server: 2 }], homeNode: null, present: true })

  await cluster.nodes[2]!.stop('SIGKILL')
  await app.inject({ url: '/cluster.json' }) // probes the nodes: node 2 is found dead
  const moved = (await app.inject({ url: '/cluster.json?key=key5' })).json().lookup
  assert.equal(moved.node, 1) // python-memcached's rehash: "110570" -> 1776 -> node 1
  assert.equal(moved.homeNode, 2)
  assert.equal(moved.present, false)
  const page = await app.inject({ url: '/cluster?key=key5' })
  assert.match(page.body, /Its own node \(2\) is down/)
  assert.match(page.body, /re-hash 1776/)

  const bad = await app.inject({ url: '/cluster?key=has%20space' })
  assert.equal(bad.statusCode, 400)
  assert.match(bad.body, /Not a valid memcached key/)
})

test('the cluster page draws both charts as SVG', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const page = await app.inject({ url: '/cluster' })
  assert.equal(page.statusCode, 200)
  const shares = /<svg class="chart" id="share-chart"[\s\S]*?<\/svg>/.exec(page.body)![0]
  const items = /<svg class="chart" id="items-chart"[\s\S]*?<\/svg>/.exec(page.body)![0]
  assert.equal(shares.match(/<rect class="bar /g)!.length, 8)
  assert.equal(items.match(/<rect class="bar /g)!.length, 4)
})
