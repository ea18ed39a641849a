// Liveness and readiness, for the compose health checks and load balancers. Both are public, so
// neither sends memcached anything: /readyz answers from the client's node health
// (observability/node-health.ts), which requests, the client's probes of failed nodes and the
// heartbeat (observability/heartbeat.ts, a no-op per node a second) keep up to date. A flood of
// /readyz thus costs memcached nothing at all (issue 21: it used to cost four `stats` per request).
// Ready while at least one node answers: one dead node of four must not take the app out of a
// load balancer, since sessions are served from their copies and the rest of the chain.
import type { FastifyInstance } from 'fastify'
import { nodeHealth, type NodeHealth } from '../observability/node-health.ts'
import { HEARTBEAT_MS, startHeartbeat } from '../observability/heartbeat.ts'

/** How stale a readiness answer may be: a node that dies idle is seen down within a heartbeat and a deadline. */
export const READY_CHECK_MS = HEARTBEAT_MS

export interface Readiness { ready: boolean, up: number, total: number, down: string[], nodes: NodeHealth[] }

export function readiness (health: NodeHealth[]): Readiness {
  const down = health.filter((n) => !n.up).map((n) => n.node)
  return { ready: down.length < health.length, up: health.length - down.length, total: health.length, down, nodes: health }
}

export default async function healthRoutes (app: FastifyInstance) {
  // The session cluster's, and the playground's own pool's (the cluster page shows both).
  const pg = app.playgroundPool
  const clients = pg && !pg.shared ? [app.memcache, pg.a] : [app.memcache]
  let stops: Array<() => void> = []
  app.addHook('onReady', async function startNodeHeartbeat () { stops = clients.map((client) => startHeartbeat(client)) })
  app.addHook('onClose', async function stopNodeHeartbeat () { for (const stop of stops) stop() })

  app.get('/healthz', async function healthz () {
    return { ok: true }
  })

  /** Says which nodes are down, since when and why; 503 only when none answers. */
  app.get('/readyz', async function readyz (request, reply) {
    const answer = readiness(nodeHealth(app.memcache))
    reply.code(answer.ready ? 200 : 503).header('cache-control', 'no-store')
    return answer
  })
}
