// Prometheus metrics (observability/metrics.ts), served by a server of their own on METRICS_PORT,
// never on the public port: the figures name the memcached nodes, their errors and the traffic,
// which are for whoever runs the app, and a scrape address reachable only inside the network
// needs no token to keep (README: "Metrics"). server/main.ts listens on it; tests inject into
// `app.metrics.server`. METRICS_PORT=off: no metrics, and no subscriber on any channel, so the
// instrumentation costs nothing at all.
import fp from 'fastify-plugin'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { createMetrics, type AppMetrics } from '../observability/metrics.ts'
import { trafficWindow, type TrafficWindow } from '../observability/node-traffic.ts'

export interface MetricsServer {
  metrics: AppMetrics
  /** Each node's requests per second and p99 lately, for the cluster page. */
  traffic: TrafficWindow
  /** The scrape server (GET /metrics): not listening until server/main.ts says so. */
  server: FastifyInstance
}

declare module 'fastify' {
  interface FastifyInstance {
    /** null with METRICS_PORT=off. */
    metrics: MetricsServer | null
  }
}

async function metricsPlugin (app: FastifyInstance) {
  if (app.config.metricsPort === null) {
    app.decorate('metrics', null)
    return
  }
  const pg = app.playgroundPool
  const pools = [{ name: 'sessions', client: app.memcache }]
  if (pg) pools.push({ name: 'playground', client: pg.a }, { name: 'playground', client: pg.b })
  // Node health (memcached_node_up) for the pools whose health the heartbeat keeps: the session
  // cluster, and the playground's own pool (not the session cluster again, through other clients).
  const healthPools = pg && !pg.shared ? [pools[0]!, pools[1]!] : [pools[0]!]
  const traffic = trafficWindow(pools)
  const metrics = createMetrics({ pools, healthPools, sessionCopies: app.config.sessionReplicas + 1, traffic })

  const server = Fastify({ logger: false })
  server.get('/metrics', async function scrape (request, reply) {
    reply.type(metrics.registry.contentType).header('cache-control', 'no-store')
    return metrics.scrape()
  })

  // The route's pattern (`/value`), never the URL with its query; 'unmatched' for a 404 of any path.
  // A callback hook, not an async one: no promise per request.
  app.addHook('onResponse', function countRequest (request: FastifyRequest, reply: FastifyReply, done: () => void) {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
    done()
  })
  app.addHook('onClose', async function closeMetrics () {
    metrics.close()
    await server.close()
  })
  app.decorate('metrics', { metrics, traffic, server })
}

export default fp(metricsPlugin, { name: 'metrics', dependencies: ['memcache', 'playground-pool'] })
