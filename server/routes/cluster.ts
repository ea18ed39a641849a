// The tutorial's multi-node lesson: how weighted nodes share the keys, live, in the session
// cluster and in the playground's own pool. GET /cluster shows it; /cluster.json serves the same
// for scripts. `?key=` asks which node holds a key, and why, in the pool that owns the key;
// `?node=` points out one node of the session cluster (the session page links to its own node so, without its id).
import type { FastifyInstance, FastifyReply } from 'fastify'
import { LOOKUP_PREFIX, locateKey, overviewSource, type ClusterOverview, type KeyLocation, type OverviewSource } from '../cluster/overview.ts'
import { barChart, niceMax, type BarChart } from '../cluster/chart.ts'
import { encodeKey, InvalidKeyError, type MemcacheClient } from '@memcache-session/client'
import { formatCount } from '../format.ts'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { clusterQuerySchema, type ClusterQuery } from '../schemas/cluster.ts'
import type { Language } from '../i18n/language.ts'
import { MESSAGES, type Messages } from '../i18n/messages.ts'

const percent = (share: number) => `${(share * 100).toFixed(1)}%`

function charts (overview: ClusterOverview, words: Messages['cluster']['chart']): { shares: BarChart, items: BarChart } {
  const itemCount = (items: number) => words.items(formatCount(items), items)
  const shares = barChart({
    groups: overview.nodes.map((n) => ({
      label: words.node(n.index, n.address, n.weight),
      values: [
        { series: 'expected', value: n.expectedShare, label: words.expected(percent(n.expectedShare)), text: percent(n.expectedShare) },
        { series: 'sampled', value: n.sampleShare, label: words.sampled(percent(n.sampleShare)), text: n.up ? percent(n.sampleShare) : words.downShare(percent(n.sampleShare)) }
      ]
    })),
    max: niceMax(Math.max(...overview.nodes.map((n) => Math.max(n.expectedShare, n.sampleShare))), 0.1),
    formatTick: (v) => `${Math.round(v * 100)}%`
  })
  const items = barChart({
    groups: overview.nodes.map((n) => ({
      label: words.nodeItems(n.index, n.address),
      values: [{ series: 'items', value: n.items ?? 0, label: n.up ? itemCount(n.items ?? 0) : words.down, text: n.up ? itemCount(n.items ?? 0) : words.down }]
    })),
    max: niceMax(Math.max(...overview.nodes.map((n) => n.items ?? 0))),
    formatTick: (v) => formatCount(Math.round(v))
  })
  return { shares, items }
}

/** One memcached pool the page shows: the session cluster, and the playground's own pool when it has one. */
interface PoolView {
  name: 'sessions' | 'playground'
  title: string
  /** Prefix of the element ids of its rows and charts (the session cluster's are `node-N`, as linked from the session page). */
  idPrefix: string
  client: MemcacheClient
  overviews: OverviewSource
}

/** Where one key lives in one pool, and in what role (its home node; more roles may follow, a replica say). */
interface KeyAnswer {
  pool: PoolView['name']
  poolTitle: string
  role: 'home'
  buckets: number[] | null
  location: KeyLocation
}

interface Lookup {
  answers: KeyAnswer[]
  /** For a key of the session cluster: where a session under this id keeps its copies now (home first). Routing only: nothing is read. */
  copies: number[]
  error: string | null
}

export default async function clusterRoutes (app: FastifyInstance) {
  // Requests per second and p99 per node from this process's metrics (none with METRICS_PORT=off).
  const traffic = (pool: string, client: MemcacheClient) => () => app.metrics?.traffic.of(pool, client) ?? null
  const sessions: PoolView = { name: 'sessions', title: 'The session cluster', idPrefix: '', client: app.memcache, overviews: overviewSource(app.memcache, { traffic: traffic('sessions', app.memcache) }) }
  const own = app.playgroundPool && !app.playgroundPool.shared ? app.playgroundPool.a : null
  const playground: PoolView | null = own && { name: 'playground', title: 'The playground\'s pool', idPrefix: 'pg-', client: own, overviews: overviewSource(own, { traffic: traffic('playground', own) }) }
  const pools = playground ? [sessions, playground] : [sessions]

  // One overview serves every request for up to a second: so do its charts, in each language.
  const drawn = new WeakMap<ClusterOverview, Partial<Record<Language, ReturnType<typeof charts>>>>()
  function chartsFor (overview: ClusterOverview, language: Language) {
    let inLanguages = drawn.get(overview)
    if (!inLanguages) drawn.set(overview, inLanguages = {})
    return (inLanguages[language] ??= charts(overview, MESSAGES[language].cluster.chart))
  }

  /**
   * The pools a key is looked up in, each with its role: a playground key (`pg:`) in the
   * playground's pool when it has its own, anything else in the session cluster.
   */
  function placesOf (key: string): Array<{ pool: PoolView, role: KeyAnswer['role'] }> {
    return [{ pool: playground && key.startsWith(LOOKUP_PREFIX) ? playground : sessions, role: 'home' }]
  }

  async function lookup (key: string | undefined, language: Language): Promise<Lookup> {
    if (key === undefined) return { answers: [], copies: [], error: null }
    const words = MESSAGES[language].cluster
    if (key === '') return { answers: [], copies: [], error: words.typeAKey(`${LOOKUP_PREFIX}greeting`) }
    try {
      encodeKey(key)
    } catch (error) {
      if (error instanceof InvalidKeyError) return { answers: [], copies: [], error: words.invalidKey(error.message) }
      throw error
    }
    const answers = await Promise.all(placesOf(key).map(async ({ pool, role }) => ({
      pool: pool.name,
      poolTitle: pool.title,
      role,
      buckets: pool.client.hashing === 'modulo' ? [...pool.client.buckets] : null,
      location: await locateKey(pool.client, key)
    })))
    const copies = placesOf(key).some(({ pool }) => pool === sessions) ? app.sessions.copies(key) : []
    return { answers, copies, error: null }
  }

  async function render (reply: FastifyReply, query: ClusterQuery) {
    const [overviews, found] = await Promise.all([Promise.all(pools.map((p) => p.overviews.get())), lookup(query.key, reply.request.language)])
    reply.code(found.error ? 400 : 200).header('cache-control', 'no-store')
    return { overviews, found }
  }

  // The plain page (no key, no node pointed out) is the same for everyone of a language until an
  // overview changes: rendered once per set of overviews and language, so a visitor polling
  // /cluster costs little more than JSON.
  const plainPages = new WeakMap<ClusterOverview, { playground: ClusterOverview | undefined, html: Partial<Record<Language, string>> }>()

  app.withTypeProvider<TypeBoxTypeProvider>().get('/cluster', { schema: clusterQuerySchema }, async function showCluster (request, reply) {
    const query = request.query
    const { overviews, found } = await render(reply, query)
    const overview = overviews[0]!
    const pointed = query.node !== undefined && query.node < overview.nodes.length ? query.node : null
    const plain = query.key === undefined && pointed === null
    const language = request.language
    let cached = plain ? plainPages.get(overview) : undefined
    if (cached && cached.playground !== overviews[1]) cached = undefined
    let html = cached?.html[language]
    if (html === undefined) {
      const shown = pools.map((pool, i) => ({ name: pool.name, title: pool.title, idPrefix: pool.idPrefix, overview: overviews[i]!, charts: chartsFor(overviews[i]!, language) }))
      // app.view reads no reply.locals: the page's language (plugins/i18n.ts) is passed as they are.
      html = await app.view(app.templates.page('cluster.ejs'), { ...reply.locals, ...(plain ? { backPath: '/cluster' } : {}), title: 'Several weighted nodes', chapterPath: '/cluster', overview, pools: shown, found, key: query.key ?? '', pointed, prefix: LOOKUP_PREFIX, percent })
      if (plain) {
        if (!cached) plainPages.set(overview, cached = { playground: overviews[1], html: {} })
        cached.html[language] = html
      }
    }
    return reply.type('text/html; charset=utf-8').send(html)
  })

  // The session cluster's overview at the top level (as before the playground had a pool of its
  // own), the playground's under `playground`; `lookup` is the key's first answer, `lookups` all.
  app.withTypeProvider<TypeBoxTypeProvider>().get('/cluster.json', { schema: clusterQuerySchema }, async function clusterJson (request, reply) {
    const { overviews, found } = await render(reply, request.query)
    return {
      ...overviews[0]!,
      playground: overviews[1],
      lookup: found.answers[0]?.location,
      lookups: found.answers.length > 0 ? found.answers.map(({ pool, role, location }) => ({ pool, role, ...location })) : undefined,
      sessionCopies: found.answers.length > 0 ? found.copies : undefined,
      error: found.error ?? undefined
    }
  })
}
