// The server Playwright starts: the real app (server/main.ts) on four memcached nodes of its own,
// on free ports, so end-to-end runs never collide with a cluster `npm start` left on 11211-11214.
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2], { memoryPerWeightMb: 8 })).killOnExit().start()
process.env.MEMCACHED_SERVERS = cluster.serversSetting
await import('../server/main.ts')
