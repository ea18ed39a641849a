// tools/aged-clock.ts, which the cluster page's long-uptime e2e check relies on: a real memcached
// under libfaketime reports the uptime its clock was moved on by, and then keeps time at the normal
// rate (an item set with a TTL of a few seconds is still there a moment later, and expires).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { agedClock, libfaketimePath, LIBFAKETIME_MISSING, waitForUptime } from '../../tools/aged-clock.ts'
import { localClusterOnFreePorts } from '../../tools/local-cluster.ts'
import { eventually, makeClient } from '../helper.ts'

test('a memcached whose clock was moved on reports hours of uptime, and its TTLs keep their length', { skip: libfaketimePath() === null && LIBFAKETIME_MISSING }, async (t) => {
  const clock = agedClock()
  t.after(() => clock.dispose())
  const cluster = await (await localClusterOnFreePorts([1, 1], { memoryPerWeightMb: 8, envOf: (i) => (i === 0 ? clock.env : undefined) })).start()
  t.after(() => cluster.stop('SIGKILL'))
  const client = makeClient(t, cluster)
  const uptime = async (i: number) => Number((await client.stats(i)).uptime)
  assert.ok(await uptime(0) < 3600, 'not aged before it is moved on')

  clock.moveForward(9000)
  const { host, port } = cluster.nodes[0]!.address
  const reported = await waitForUptime(host, port, 9000)
  assert.ok(reported >= 9000 && reported < 9000 + 600, String(reported))
  assert.ok(await uptime(1) < 3600, 'the other node keeps its own clock')

  // Normal rate from there: a 4-second item lives through the next second and is gone after its TTL.
  const aged = client.onNode(0)
  assert.ok(await aged.add('k', 'v', 4))
  assert.equal((await aged.gets('k'))?.value, 'v')
  await eventually(async () => (await aged.gets('k')) === undefined, 15_000)
  assert.ok(await uptime(0) < reported + 600, 'no speed-up: the clock ran at the normal rate')
})
