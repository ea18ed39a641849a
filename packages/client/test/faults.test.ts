// Nodes that die, hang and come back, stopped by pid in the middle of a run.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { eventually, startCluster, makeClient } from '../../../test/support/nodes.ts'
import { NodeDownError, TimeoutError } from '../src/errors.ts'

/** A key that python-memcached routes to `node` when every node is up. */
function keyOn (mc: { nodeIndexFor (k: string): number | null }, node: number, prefix = 'key'): string {
  for (let i = 0; ; i++) if (mc.nodeIndexFor(`${prefix}${i}`) === node) return `${prefix}${i}`
}

test('a stopped node: others keep working, its keys fail over, and it is used again once back', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster, { probeMinMs: 50 })
  const onTwo = keyOn(mc, 2)
  const onZero = keyOn(mc, 0)
  await mc.set(onTwo, 'on node 2')
  await mc.set(onZero, 'on node 0')

  await cluster.nodes[2]!.stop('SIGKILL')

  // The open connection was closed by the server: the request must not hang (memjs#39).
  const started = Date.now()
  assert.equal(await mc.get(onTwo), undefined) // re-routed to the fallback node, which lacks it
  assert.ok(Date.now() - started < 500, `took ${Date.now() - started} ms`)
  assert.notEqual(mc.nodeIndexFor(onTwo), 2)
  assert.equal(await mc.get(onZero), 'on node 0')
  assert.equal(await mc.set(onTwo, 'on the fallback'), true)
  assert.equal(await mc.get(onTwo), 'on the fallback')

  await cluster.nodes[2]!.start()
  // The background probe finds it answering: the key routes to node 2 again, without any request.
  const back = Date.now()
  await eventually(() => mc.nodeIndexFor(onTwo) === 2, 3000)
  t.diagnostic(`node 2 used again ${Date.now() - back} ms after it listened`)
  assert.equal(await mc.set(onTwo, 'back on node 2'), true)
  assert.equal((await mc.stats(2)).curr_items, '1')
})

test('a hung node times out within the deadline without stalling the others', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster, { timeoutMs: 200 })
  const onOne = keyOn(mc, 1)
  const onThree = keyOn(mc, 3)
  await mc.set(onOne, 'x')
  const read = await mc.gets(onOne)
  const pid = cluster.nodes[1]!.pid!
  process.kill(pid, 'SIGSTOP')
  // The signal is asynchronous: wait until the kernel reports every thread stopped ("T").
  await eventually(() => readdirSync(`/proc/${pid}/task`).every((tid) => readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.startsWith('T')))

  const started = Date.now()
  // A compare-and-swap sent to the hung node has an unknown outcome: it fails, it is not repeated
  // elsewhere; the other node is not held up.
  const [hung, live] = await Promise.allSettled([mc.cas(onOne, 'z', read!.cas), mc.set(onThree, 'y')])
  assert.equal(hung.status, 'rejected')
  assert.ok((hung as PromiseRejectedResult).reason instanceof TimeoutError)
  assert.deepEqual(live, { status: 'fulfilled', value: true })
  // One 200 ms deadline; at worst (a late timer on a loaded machine) extended four times (deadline.ts).
  assert.ok(Date.now() - started < 200 * 5 + 200, `took ${Date.now() - started} ms`)
  // Now marked down: its keys go where python-memcached's rehash sends them, at once; a read
  // there is a miss, not an error.
  assert.notEqual(mc.nodeIndexFor(onOne), 1)
  assert.equal(await mc.get(onOne), undefined)
  // Resumed, it answers the next probe and takes its keys back.
  process.kill(pid, 'SIGCONT')
  await eventually(() => mc.nodeIndexFor(onOne) === 1, 3000)
  // 'z' if memcached read the compare-and-swap from its socket after all: why it was not repeated.
  assert.ok(['x', 'z'].includes(await mc.get(onOne) as string))
})

test('every node down: a typed error, fast', async (t) => {
  const cluster = await startCluster(t, [1, 1])
  const mc = makeClient(t, cluster)
  await cluster.stop('SIGKILL')
  const started = Date.now()
  await assert.rejects(mc.get('anything'), NodeDownError)
  await assert.rejects(mc.get('anything'), /no memcached node is available/)
  assert.deepEqual(await mc.getMulti(['a', 'b']), new Map())
  assert.deepEqual((await mc.setMulti({ a: '1' })), ['a'])
  assert.ok(Date.now() - started < 1000)
})

test('memjs reads no credentials from the environment', async (t) => {
  process.env.MEMCACHIER_USERNAME = 'someone'
  process.env.MEMCACHIER_PASSWORD = 'secret'
  t.after(() => { delete process.env.MEMCACHIER_USERNAME; delete process.env.MEMCACHIER_PASSWORD })
  const cluster = await startCluster(t, [1])
  const mc = makeClient(t, cluster)
  // With SASL credentials memjs would start an authentication this server does not offer.
  assert.equal(await mc.set('k', 'v'), true)
})
