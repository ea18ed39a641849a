// The server Playwright starts: the real app (server/main.ts) on four memcached nodes of its own,
// and the playground's own four (weighted 4, 3, 1, 2 too, as npm start runs them), on free ports,
// so end-to-end runs never collide with a cluster `npm start` left on 11211-11218.
// E2E_STOP_NODE=<index> stops that session node before the app starts, and
// E2E_STOP_PLAYGROUND_NODE=<index> that playground node (the pages' failure states; a separate
// instance, so other specs keep a healthy cluster). E2E_AGED_NODE=<index> runs that session node
// under libfaketime and moves its clock E2E_AGED_SECONDS ahead once it listens, so its own `stats`
// reports that uptime (tools/aged-clock.ts; the app starts once it does).
import { agedClock, waitForUptime } from '../tools/aged-clock.ts'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'

const agedIndex = process.env.E2E_AGED_NODE === undefined ? null : Number(process.env.E2E_AGED_NODE)
const clock = agedIndex === null ? null : agedClock()
if (clock) process.once('exit', () => clock.dispose())
const envOf = (index: number) => (index === agedIndex ? clock!.env : undefined)
const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2], { memoryPerWeightMb: 8, envOf })).killOnExit().start()
if (clock) {
  const seconds = Number(process.env.E2E_AGED_SECONDS ?? 9000)
  clock.moveForward(seconds)
  const { host, port } = cluster.nodes[agedIndex!]!.address
  await waitForUptime(host, port, seconds)
}
const playground = await (await localClusterOnFreePorts([4, 3, 1, 2], { memoryPerWeightMb: 4 })).killOnExit().start()
process.env.MEMCACHED_SERVERS = cluster.serversSetting
process.env.PLAYGROUND_MEMCACHED_SERVERS = playground.serversSetting
const stop = process.env.E2E_STOP_NODE
if (stop !== undefined) await cluster.nodes[Number(stop)]!.stop('SIGKILL')
const stopPlayground = process.env.E2E_STOP_PLAYGROUND_NODE
if (stopPlayground !== undefined) await playground.nodes[Number(stopPlayground)]!.stop('SIGKILL')
await import('../server/main.ts')
