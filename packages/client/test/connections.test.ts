// Connections that recover, and deadlines that blame the node, not this process: a request that
// timed out half-way through its answer leaves nothing behind, and a blocked event loop marks no
// healthy node down. Real memcached; a relay that stalls mid-answer stands in for a bad network.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { eventually, makeClient, startCluster } from '../../../test/support/nodes.ts'
import { NodeDownError } from '../src/errors.ts'
import { startStallProxy } from '../../../test/support/stall-proxy.ts'

const BIG = 'x'.repeat(900_000)

test('a timeout in the middle of an answer: the connection is replaced, the next request succeeds', async (t) => {
  const cluster = await startCluster(t, [1])
  const direct = makeClient(t, cluster)
  await direct.set('big', BIG)
  await direct.set('small', 'ok')

  // The first connection through the relay gets 64 KiB of the 900 KB answer, then nothing.
  const proxy = await startStallProxy(t, cluster.servers[0]!.port, 64 * 1024)
  const mc = makeClient(t, cluster, { servers: [{ host: '127.0.0.1', port: proxy.port, weight: 1 }], timeoutMs: 200 })
  // Timed out with half an answer read; the only node is then down, so the retry finds none.
  await assert.rejects(mc.get('big'), NodeDownError)
  assert.match(mc.nodes[0]!.lastError ?? '', /did not answer within 200 ms/)
  // memjs would keep those 64 KiB and read them as the start of every later answer (the wedge).
  // Here the probe opens a fresh connection, the node is up again, and answers whole.
  await eventually(() => mc.nodes[0]!.up, 3000)
  assert.equal(await mc.get('small'), 'ok')
  assert.equal(await mc.get('big'), BIG)
  assert.ok(proxy.connections() >= 2, 'a fresh connection carried the later requests')
})

test('a blocked event loop is not the node\'s fault: every request answered, no node marked down', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster, { timeoutMs: 100 })
  await mc.set('big', BIG)
  const keys = Array.from({ length: 40 }, (_, i) => `k${i}`)
  await mc.setMulti(keys.map((k) => [k, k]))

  // Requests to every node, then 400 ms of synchronous work while their answers arrive.
  const reads = Promise.all([mc.get('big'), ...keys.map((k) => mc.get(k))])
  const until = Date.now() + 400
  while (Date.now() < until) { /* the app's own stall */ }
  const [big, ...values] = await reads
  assert.equal(big, BIG)
  assert.deepEqual(values, keys)
  assert.deepEqual(mc.nodes.map((n) => n.up), [true, true, true, true])
})
