// Liveness and readiness, for the compose health checks and load balancers. Both are public, so
// neither may cost memcached a command per request: /readyz answers from a check that runs at most
// once per READY_CHECK_MS, shared by every request meanwhile. The check asks only the nodes the
// client believes up (its cheapest request: a no-op or `version`); a node already down is being
// probed by the client in the background, so its state and last error are read, not re-asked.
// A flood of /readyz is thus at most one probe per node per second, whatever its rate (issue 21).
import type { FastifyInstance } from 'fastify'
import type { MemcacheClient } from '@memcache-session/client'

/** How old a readiness answer may be. */
export const READY_CHECK_MS = 1000

interface NodeReadiness { node: string, up: boolean, error?: string }
export interface Readiness { ready: boolean, up: number, total: number, down: string[], nodes: NodeReadiness[] }

async function checkNodes (client: MemcacheClient): Promise<Readiness> {
  const nodes = await Promise.all(client.nodes.map(async (node): Promise<NodeReadiness> => {
    if (node.up) {
      try {
        await node.call((transport) => transport.probe())
      } catch (error) {
        return { node: node.label, up: false, error: (error as Error).message }
      }
    }
    return node.up ? { node: node.label, up: true } : { node: node.label, up: false, error: node.lastError ?? 'down' }
  }))
  const up = nodes.filter((n) => n.up).length
  return { ready: up > 0, up, total: nodes.length, down: nodes.filter((n) => !n.up).map((n) => n.node), nodes }
}

/** The last check while it is younger than READY_CHECK_MS (or still running); else a new one, shared by its callers. */
function readinessCache (client: MemcacheClient): () => Promise<Readiness> {
  // `at` is when the last check finished, null while one runs: a slow check (a hung node costs a
  // deadline) is shared by everyone who asks meanwhile, never started twice.
  let last: { at: number | null, answer: Promise<Readiness> } | null = null
  return function readiness () {
    if (!last || (last.at !== null && Date.now() - last.at >= READY_CHECK_MS)) {
      const check = { at: null as number | null, answer: checkNodes(client) }
      check.answer.finally(() => { check.at = Date.now() }).catch(() => {})
      last = check
    }
    return last.answer
  }
}

export default async function healthRoutes (app: FastifyInstance) {
  app.get('/healthz', async function healthz () {
    return { ok: true }
  })

  const readiness = readinessCache(app.memcache)
  /** Ready while at least one memcached node answers; says which are down, and why. */
  app.get('/readyz', async function readyz (request, reply) {
    const answer = await readiness()
    reply.code(answer.ready ? 200 : 503).header('cache-control', 'no-store')
    return answer
  })
}
