// Chapter 1, start memcached: the tutorial's start line and its flags, every running node's own
// command line rebuilt from its `stats settings`, and "check it", the tutorial's telnet session
// (`version`, `stats`) against one of the playground's nodes, shown as the text protocol it is.
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { nodeAsker, type Pool } from '../start/nodes.ts'
import { OTHER_FLAGS, TUTORIAL_FLAGS } from '../start/command-line.ts'
import { startQuerySchema } from '../schemas/start.ts'

export default async function startRoutes (app: FastifyInstance) {
  const { config } = app
  const sessions: Pool = { name: 'sessions', title: 'The session cluster', nodes: config.memcachedServers }
  const ownPool = config.playground && config.playgroundMemcachedServers !== null
  const pools: Pool[] = ownPool ? [sessions, { name: 'playground', title: 'The playground\'s pool', nodes: config.playgroundMemcachedServers! }] : [sessions]
  // The check talks to the pool the playground uses: its own, or the session cluster it shares.
  const checked = pools.at(-1)!
  const asker = nodeAsker(pools, { timeoutMs: config.memcachedTimeoutMs, tls: config.memcachedTls })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/start', { schema: startQuerySchema }, async function showStart (request, reply) {
    const wanted = request.query.check
    const [reports, check] = await Promise.all([
      asker.reports(),
      wanted !== undefined && wanted < checked.nodes.length ? asker.check(checked.name, wanted) : null
    ])
    reply.code(wanted !== undefined && check === null ? 404 : 200).header('cache-control', 'no-store')
    return reply.view(app.templates.page('start.ejs'), {
      title: 'Start memcached',
      start: {
        flags: TUTORIAL_FLAGS,
        otherFlags: OTHER_FLAGS,
        pools: reports,
        checkPool: { name: checked.name, title: checked.title, nodes: checked.nodes.map((n) => `${n.host}:${n.port}`) },
        checked: check ? { index: wanted, address: `${check.address.host}:${check.address.port}`, host: check.address.host, port: check.address.port, exchanges: check.exchanges, error: check.error } : null,
        unknownNode: wanted !== undefined && check === null ? wanted : null
      }
    })
  })
}
