// The process: reads the config, starts four local memcached nodes when MEMCACHED_SERVERS is
// unset (and four more for the playground, unless PLAYGROUND=off or PLAYGROUND_MEMCACHED_SERVERS
// is set, so that the playground cannot evict sessions), builds the app, listens, and on SIGTERM/SIGINT stops accepting, finishes in-flight
// requests, closes memcached connections (and the local nodes it started) and exits 0.
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { type Config, ConfigError, LOCAL_PLAYGROUND_MEMORY_PER_WEIGHT_MB, loadConfig, resolveConfig, type LoadedConfig } from './config.ts'
import { localCluster, protocolFlags, type LocalCluster } from '../tools/local-cluster.ts'
import { startTracing } from './observability/tracing.ts'

async function main (): Promise<void> {
  let loaded: LoadedConfig
  try {
    loaded = loadConfig()
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    console.error(error.message)
    process.exit(1)
  }

  let cluster: LocalCluster | null = null
  let playgroundNode: LocalCluster | null = null
  if (!loaded.memcachedServers) {
    // Meta nodes refuse binary (-B ascii), as memcached is run where meta is chosen.
    cluster = localCluster(loaded.localNodes, { flags: protocolFlags(loaded.memcachedProtocol) }).killOnExit()
    if (loaded.playground && !loaded.playgroundMemcachedServers) {
      playgroundNode = localCluster(loaded.localPlaygroundNodes, { memoryPerWeightMb: LOCAL_PLAYGROUND_MEMORY_PER_WEIGHT_MB, flags: protocolFlags(loaded.memcachedProtocol) }).killOnExit()
    }
    try {
      await cluster.start()
      await playgroundNode?.start()
    } catch (error) {
      console.error((error as Error).message)
      await Promise.all([cluster.stop(), playgroundNode?.stop()])
      process.exit(1)
    }
  }
  const config = resolveConfig(loaded, cluster?.servers ?? loaded.memcachedServers, playgroundNode?.servers ?? loaded.playgroundMemcachedServers)

  // Before the app: its spans go to the SDK from the first request on (none without OTEL_*).
  let startWarning: string | null = null
  const tracing = config.tracing ? await startTracing((message) => { startWarning = message }) : null
  const app = await buildApp(config, { level: config.logLevel })
  if (startWarning) app.log.warn(startWarning)
  if (tracing) {
    app.log.info('OpenTelemetry traces on (OTEL_* environment)')
    // After the app's own onClose hooks: the spans of the last requests are flushed.
    app.addHook('onClose', async function flushTraces () { await tracing.shutdown() })
  }
  if (cluster) {
    app.log.info({ nodes: cluster.nodes.map((n) => `${n.address.port}:w${n.spec.weight}:${n.spec.memoryMb}MB`) }, 'started local memcached nodes (MEMCACHED_SERVERS is not set)')
    if (playgroundNode) app.log.info({ nodes: playgroundNode.nodes.map((n) => `${n.address.port}:w${n.spec.weight}:${n.spec.memoryMb}MB`) }, 'started the playground\'s own memcached nodes')
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
  await listenForScrapes(app, config)
}

/**
 * /metrics on METRICS_PORT. A port that cannot be had is said loudly and the app serves on: a
 * scrape address must not take the sessions down (Prometheus reports the target missing).
 */
async function listenForScrapes (app: FastifyInstance, config: Config): Promise<void> {
  if (!app.metrics || config.metricsPort === null) return
  try {
    const address = await app.metrics.server.listen({ port: config.metricsPort, host: config.metricsHost })
    app.log.info(`metrics on ${address}/metrics`)
  } catch (error) {
    app.log.error({ err: error }, `/metrics is not served: cannot listen on ${config.metricsHost}:${config.metricsPort} (METRICS_PORT)`)
  }
}

await main()
