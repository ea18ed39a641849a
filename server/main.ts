// The process: reads the config, starts four local memcached nodes when MEMCACHED_SERVERS is
// unset (and a fifth for the playground, unless PLAYGROUND=off or PLAYGROUND_MEMCACHED_SERVERS
// is set, so that the playground cannot evict sessions), builds the app, listens, and on SIGTERM/SIGINT stops accepting, finishes in-flight
// requests, closes memcached connections (and the local nodes it started) and exits 0.
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { ConfigError, LOCAL_NODES, LOCAL_PLAYGROUND_NODE, loadConfig, type Config } from './config.ts'
import { localCluster, type LocalCluster } from './memcache/local-cluster.ts'

async function main (): Promise<void> {
  let config: Config
  try {
    config = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }

  let cluster: LocalCluster | null = null
  let playgroundNode: LocalCluster | null = null
  if (!config.memcachedServers) {
    cluster = localCluster(LOCAL_NODES).killOnExit()
    if (config.playground && !config.playgroundMemcachedServers) {
      const { port, weight, memoryMb } = LOCAL_PLAYGROUND_NODE
      playgroundNode = localCluster([{ port, weight }], { memoryPerWeightMb: memoryMb / weight }).killOnExit()
    }
    try {
      await cluster.start()
      await playgroundNode?.start()
    } catch (error) {
      console.error((error as Error).message)
      await cluster.stop()
      process.exit(1)
    }
    config = { ...config, memcachedServers: cluster.servers, playgroundMemcachedServers: playgroundNode?.servers ?? config.playgroundMemcachedServers }
  }

  const app = await buildApp(config, { level: config.logLevel })
  if (cluster) {
    app.log.info({ nodes: cluster.nodes.map((n) => `${n.address.port}:w${n.spec.weight}:${n.spec.memoryMb}MB`) }, 'started local memcached nodes (MEMCACHED_SERVERS is not set)')
    if (playgroundNode) app.log.info({ node: `${LOCAL_PLAYGROUND_NODE.port}:${LOCAL_PLAYGROUND_NODE.memoryMb}MB` }, 'started the playground\'s own memcached node')
    app.addHook('onClose', async function stopLocalNodes () { await Promise.all([cluster.stop(), playgroundNode?.stop()]) })
  }
  if (config.production && config.playground && !config.playgroundMemcachedServers) {
    app.log.warn('PLAYGROUND=on shares the session cluster: one client can then evict sessions within its rate limit. Set PLAYGROUND_MEMCACHED_SERVERS to a pool of its own, or PLAYGROUND=off.')
  }
  if (config.usingDevSecret) app.log.warn('COOKIE_SECRET is not set: using a development-only secret. Set COOKIE_SECRET before exposing this server.')

  closeWithGrace({ delay: 10_000 }, async function shutdown ({ signal, err }) {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await app.close()
  })

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    app.log.error({ err: error }, 'could not listen')
    await app.close()
    process.exit(1)
  }
}

await main()
