// The server Playwright starts: the real app (server/main.ts) on four memcached nodes of its own,
// on free ports, so end-to-end runs never collide with a cluster `npm start` left on 11211-11214.
import { freePort, localCluster } from '../server/memcache/local-cluster.ts'

const nodes = []
for (const weight of [4, 3, 1, 2]) nodes.push({ port: await freePort(), weight })
const cluster = await localCluster(nodes, { memoryPerWeightMb: 8 }).killOnExit().start()
process.env.MEMCACHED_SERVERS = cluster.servers.map((s) => `${s.host}:${s.port}:${s.weight}`).join(',')
await import('../server/main.ts')
