// The tutorial's multi-node lesson: how weighted nodes share the keys, live. GET /cluster shows
// it; /cluster.json serves the same for scripts. `?key=` asks which node holds a key, and why.
import type { FastifyInstance, FastifyReply } from 'fastify'
import { clusterOverview, locateKey, type ClusterOverview, type KeyLocation } from '../cluster/overview.ts'
import { barChart, niceMax } from '../cluster/chart.ts'
import { encodeKey } from '../memcache/keys.ts'
import { InvalidKeyError } from '../memcache/errors.ts'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { clusterQuerySchema, type ClusterQuery } from '../schemas/cluster.ts'

const percent = (share: number) => `${(share * 100).toFixed(1)}%`

interface Lookup {
  location: KeyLocation | null
  error: string | null
}

export default async function clusterRoutes (app: FastifyInstance) {
  async function lookup (key: string | undefined): Promise<Lookup> {
    if (key === undefined || key === '') return { location: null, error: null }
    try {
      encodeKey(key)
    } catch (error) {
      if (error instanceof InvalidKeyError) return { location: null, error: `Not a valid memcached key: ${error.message}.` }
      throw error
    }
    return { location: await locateKey(app.memcache, key), error: null }
  }

  function charts (overview: ClusterOverview) {
    const shares = barChart({
      groups: overview.nodes.map((n) => ({
        label: `${n.address} (w${n.weight})`,
        values: [
          { series: 'expected', value: n.expectedShare, label: `expected ${percent(n.expectedShare)}` },
          { series: 'sampled', value: n.sampleShare, label: `sampled ${percent(n.sampleShare)}` }
        ]
      })),
      max: niceMax(Math.max(...overview.nodes.map((n) => Math.max(n.expectedShare, n.sampleShare))), 0.1),
      formatTick: (v) => `${Math.round(v * 100)}%`
    })
    const items = barChart({
      groups: overview.nodes.map((n) => ({
        label: `${n.address}`,
        values: [{ series: 'items', value: n.items ?? 0, label: n.up ? `${n.items} items` : 'down' }]
      })),
      max: niceMax(Math.max(...overview.nodes.map((n) => n.items ?? 0))),
      formatTick: (v) => String(Math.round(v))
    })
    return { shares, items }
  }

  async function render (reply: FastifyReply, query: ClusterQuery) {
    const [overview, found] = await Promise.all([clusterOverview(app.memcache), lookup(query.key)])
    reply.code(found.error ? 400 : 200).header('cache-control', 'no-store')
    return { overview, found }
  }

  app.withTypeProvider<TypeBoxTypeProvider>().get('/cluster', { schema: clusterQuerySchema }, async function showCluster (request, reply) {
    const query = request.query
    const { overview, found } = await render(reply, query)
    return reply.view('cluster.ejs', { title: 'Cluster', overview, charts: charts(overview), found, key: query.key ?? '', percent })
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/cluster.json', { schema: clusterQuerySchema }, async function clusterJson (request, reply) {
    const { overview, found } = await render(reply, request.query)
    return { ...overview, lookup: found.location ?? undefined, error: found.error ?? undefined }
  })
}
