// The server Playwright starts: the real app (server/main.ts) on four memcached nodes of its own,
// on free ports, so end-to-end runs never collide with a cluster `npm start` left on 11211-11214.
// E2E_STOP_NODE=<index> stops that node before the app starts (a cluster with a node down, for
// the pages' failure states; a separate instance, so other specs keep a healthy cluster).
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2], { memoryPerWeightMb: 8 })).killOnExit().start()
process.env.MEMCACHED_SERVERS = cluster.serversSetting
const stop = process.env.E2E_STOP_NODE
if (stop !== undefined) await cluster.nodes[Number(stop)]!.stop('SIGKILL')
await import('../server/main.ts')
