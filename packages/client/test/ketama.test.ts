// MEMCACHED_HASHING=ketama against the real libmemcached (Debian's python3-pylibmc, ketama_weighted).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { KetamaRing } from '../src/ketama.ts'
import { routeKey, weightedBuckets } from '../src/routing.ts'
import { makeClient, startCluster } from '../../../test/support/nodes.ts'

const run = promisify(execFile)

test('ketama: libmemcached puts 1,000 keys on the same weighted nodes as we do', async (t) => {
  const cluster = await startCluster(t)
  const servers = cluster.servers
  const script = `
import json, sys, pylibmc
from pylibmc import _pylibmc
spec = json.loads(sys.argv[1])
mc = _pylibmc.client([(_pylibmc.server_type_tcp, h, p, w) for h, p, w in spec])
mc.set_behaviors({'ketama_weighted': 1})
singles = [pylibmc.Client(['%s:%d' % (h, p)]) for h, p, w in spec]
where = []
for i in range(1000):
    k = 'ketama-key-%d' % i
    mc.set(k, 'x')
    where.append([j for j, c in enumerate(singles) if c.get(k) is not None])
print(json.dumps(where))`
  const { stdout } = await run('/usr/bin/python3', ['-c', script, JSON.stringify(servers.map((s) => [s.host, s.port, s.weight]))])
  const where: number[][] = JSON.parse(stdout)
  const mc = makeClient(t, cluster, { hashing: 'ketama' })
  const agree = where.filter((holders, i) => holders.length === 1 && holders[0] === mc.nodeIndexFor(`ketama-key-${i}`)).length
  assert.equal(agree, 1000)
})

test('when a node leaves, ketama moves about 1/N of the keys and modulo most of them', (t) => {
  const servers = [4, 3, 1, 2].map((weight, i) => ({ host: '10.0.0.1', port: 11211 + i, weight }))
  const keys = Array.from({ length: 10_000 }, (_, i) => `k${i}`)
  const ring = new KetamaRing(servers)
  const ringAfter = new KetamaRing(servers.slice(0, 3))
  const buckets = weightedBuckets([4, 3, 1, 2])
  const bucketsAfter = weightedBuckets([4, 3, 1])
  const moved = (before: (k: string) => number | null, after: (k: string) => number | null) =>
    keys.filter((k) => before(k) !== after(k)).length / keys.length
  const ketamaMoved = moved((k) => ring.route(k), (k) => ringAfter.route(k))
  const moduloMoved = moved((k) => routeKey(k, buckets), (k) => routeKey(k, bucketsAfter))
  t.diagnostic(`keys that moved when the weight-2 node left (it held ~20%): ketama ${(ketamaMoved * 100).toFixed(1)}%, modulo ${(moduloMoved * 100).toFixed(1)}%`)
  assert.ok(ketamaMoved < 0.3, `ketama moved ${ketamaMoved}`)
  assert.ok(moduloMoved > 0.5, `modulo moved ${moduloMoved}`)
})

test('ketama skips a dead node to the next one on the ring', () => {
  const ring = new KetamaRing([1, 1, 1].map((weight, i) => ({ host: 'h', port: 1 + i, weight })))
  const key = Array.from({ length: 100 }, (_, i) => `x${i}`).find((k) => ring.route(k) === 0)!
  const fallback = ring.route(key, (i) => i !== 0)
  assert.ok(fallback === 1 || fallback === 2)
  assert.equal(ring.route(key, () => false), null)
})
