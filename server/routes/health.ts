// Liveness and readiness, for the compose health checks and load balancers.
import type { FastifyInstance } from 'fastify'

export default async function healthRoutes (app: FastifyInstance) {
  app.get('/healthz', async function healthz () {
    return { ok: true }
  })

  /** Ready while at least one memcached node answers; says which do. */
  app.get('/readyz', async function readyz (request, reply) {
    const nodes = await Promise.all(app.memcache.nodes.map(async (node, index) => {
      try {
        await app.memcache.stats(index)
        return { node: node.label, up: true }
      } catch (error) {
        return { node: node.label, up: false, error: (error as Error).message }
      }
    }))
    const up = nodes.filter((n) => n.up).length
    reply.code(up > 0 ? 200 : 503)
    return { ready: up > 0, up, total: nodes.length, nodes }
  })
}
