// The tutorial's multi-node lesson: how weighted nodes share the keys, live. GET /cluster shows
// it; /cluster.json serves the same for scripts. `?key=` asks which node holds a key, and why;
// `?node=` points out one node (the session page links to its own node so, without its id).
import type { FastifyInstance, FastifyReply } from 'fastify'
import { LOOKUP_PREFIX, locateKey, overviewSource, type ClusterOverview, type KeyLocation } from '../cluster/overview.ts'
import { barChart, niceMax, type BarChart } from '../cluster/chart.ts'
import { encodeKey, InvalidKeyError } from '@memcache-session/client'
import { formatCount } from '../format.ts'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { clusterQuerySchema, type ClusterQuery } from '../schemas/cluster.ts'

const percent = (share: number) => `${(share * 100).toFixed(1)}%`

interface Lookup {
  location: KeyLocation | null
  error: string | null
}

function itemCount (items: number): string {
  return `${formatCount(items)} ${items === 1 ? 'item' : 'items'}`
}

function charts (overview: ClusterOverview): { shares: BarChart, items: BarChart } {
  const shares = barChart({
    groups: overview.nodes.map((n) => ({
      label: `node ${n.index} · ${n.address} · weight ${n.weight}`,
      values: [
        { series: 'expected', value: n.expectedShare, label: `expected ${percent(n.expectedShare)}`, text: percent(n.expectedShare) },
        { series: 'sampled', value: n.sampleShare, label: `sampled ${percent(n.sampleShare)}`, text: n.up ? percent(n.sampleShare) : `${percent(n.sampleShare)} (down)` }
      ]
    })),
    max: niceMax(Math.max(...overview.nodes.map((n) => Math.max(n.expectedShare, n.sampleShare))), 0.1),
    formatTick: (v) => `${Math.round(v * 100)}%`
  })
  const items = barChart({
    groups: overview.nodes.map((n) => ({
      label: `node ${n.index} · ${n.address}`,
      values: [{ series: 'items', value: n.items ?? 0, label: n.up ? itemCount(n.items ?? 0) : 'down', text: n.up ? itemCount(n.items ?? 0) : 'down' }]
    })),
    max: niceMax(Math.max(...overview.nodes.map((n) => n.items ?? 0))),
    formatTick: (v) => formatCount(Math.round(v))
  })
  return { shares, items }
}

export default async function clusterRoutes (app: FastifyInstance) {
  const overviews = overviewSource(app.memcache)
  // One overview serves every request for up to a second: so do its charts.
  const drawn = new WeakMap<ClusterOverview, ReturnType<typeof charts>>()
  function chartsFor (overview: ClusterOverview) {
    let result = drawn.get(overview)
    if (!result) drawn.set(overview, result = charts(overview))
    return result
  }

  async function lookup (key: string | undefined): Promise<Lookup> {
    if (key === undefined) return { location: null, error: null }
    if (key === '') return { location: null, error: `Type a key to locate, for example ${LOOKUP_PREFIX}greeting.` }
    try {
      encodeKey(key)
    } catch (error) {
      if (error instanceof InvalidKeyError) return { location: null, error: `Not a valid memcached key: ${error.message}.` }
      throw error
    }
    return { location: await locateKey(app.memcache, key), error: null }
  }

  async function render (reply: FastifyReply, query: ClusterQuery) {
    const [overview, found] = await Promise.all([overviews.get(), lookup(query.key)])
    reply.code(found.error ? 400 : 200).header('cache-control', 'no-store')
    return { overview, found }
  }

  // The plain page (no key, no node pointed out) is the same for everyone until the overview
  // changes: rendered once per overview, so a visitor polling /cluster costs little more than JSON.
  const plainPages = new WeakMap<ClusterOverview, string>()

  app.withTypeProvider<TypeBoxTypeProvider>().get('/cluster', { schema: clusterQuerySchema }, async function showCluster (request, reply) {
    const query = request.query
    const { overview, found } = await render(reply, query)
    const pointed = query.node !== undefined && query.node < overview.nodes.length ? query.node : null
    const plain = query.key === undefined && pointed === null
    let html = plain ? plainPages.get(overview) : undefined
    if (html === undefined) {
      html = await app.view('cluster.ejs', { title: 'Several weighted nodes', chapterPath: '/cluster', overview, charts: chartsFor(overview), found, key: query.key ?? '', pointed, prefix: LOOKUP_PREFIX, percent })
      if (plain) plainPages.set(overview, html)
    }
    return reply.type('text/html; charset=utf-8').send(html)
  })

  app.withTypeProvider<TypeBoxTypeProvider>().get('/cluster.json', { schema: clusterQuerySchema }, async function clusterJson (request, reply) {
    const { overview, found } = await render(reply, request.query)
    return { ...overview, lookup: found.location ?? undefined, error: found.error ?? undefined }
  })
}
