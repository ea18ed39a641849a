// `npm run bench`: our app and the alternatives on the same four local memcached nodes, measured
// one after another in one run, alternating rounds; prints medians, spreads and ratios.
// Settings: BENCH_SECONDS (per measurement, 5), BENCH_ROUNDS (3), BENCH_LEAK_REQUESTS (100000),
// BENCH_APPS (a subset of the names below, separated by `;` since names hold commas, e.g.
// `ours (meta);ours (meta, one copy)`; the floor is always run, the ratios need it).
import { spawn, type ChildProcess } from 'node:child_process'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { csrfToken } from '../test/helper.ts'
import { MemcacheClient } from '@memcache-session/client'
import { commandTotal, cpuSeconds, load, memory, WRK, type LoadResult, type Visitor } from './measure.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const LEAK_REQUESTS = Number(process.env.BENCH_LEAK_REQUESTS ?? 100_000)
const CONNECTIONS = 32
/**
 * Sessions cycled over the requests. Many more than connections, so two requests in flight at
 * once almost never share a session: the POST figures are for uncontended writes (ours would
 * otherwise retry its compare-and-swap where the peers silently overwrite).
 */
const SESSIONS = 256
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const root = fileURLToPath(new URL('../', import.meta.url))

interface App {
  name: string
  script: string
  env: Record<string, string>
  port: number
  process?: ChildProcess
  visitors: Visitor[]
}

const APPS: Array<Pick<App, 'name' | 'script' | 'env'>> = [
  // LOG_LEVEL=warn: the peers log nothing per request, so neither do we here.
  // "ours" is the binary transport (named before meta became the default), "ours (meta)" beside it.
  { name: 'ours', script: 'server/main.ts', env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', MEMCACHED_PROTOCOL: 'binary' } },
  { name: 'ours (meta)', script: 'server/main.ts', env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', MEMCACHED_PROTOCOL: 'meta' } },
  // Two copies of every session are the default; these keep one (SESSION_REPLICAS=0).
  { name: 'ours (one copy)', script: 'server/main.ts', env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', MEMCACHED_PROTOCOL: 'binary', SESSION_REPLICAS: '0' } },
  { name: 'ours (meta, one copy)', script: 'server/main.ts', env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', MEMCACHED_PROTOCOL: 'meta', SESSION_REPLICAS: '0' } },
  { name: 'floor', script: 'bench/peers/floor.ts', env: {} },
  { name: 'floor (small page)', script: 'bench/peers/floor.ts', env: { FLOOR_PAGE: 'small' } },
  { name: '@fastify/session', script: 'bench/peers/fastify-session.ts', env: {} },
  { name: 'express-session', script: 'bench/peers/express-session.ts', env: {} }
]

const chosen = process.env.BENCH_APPS?.split(';').map((name) => name.trim())
const RUN = chosen ? APPS.filter((app) => app.name === 'floor' || chosen.includes(app.name)) : APPS

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const spread = (values: number[]) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`

/** A live session: for ours, the CSRF token of its page; for every app, one key set by POST. */
async function openSession (app: App): Promise<Visitor> {
  const base = `http://127.0.0.1:${app.port}/`
  let cookie = ''
  let csrf: string | undefined
  if (app.name.startsWith('ours')) {
    const first = await fetch(base)
    cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
    csrf = csrfToken(await first.text())
  }
  const body = new URLSearchParams({ action: 'set', key: 'name', val: 'bench' })
  if (csrf) body.set('_csrf', csrf)
  const posted = await fetch(base, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) }, body })
  if (posted.status !== 303) throw new Error(`${app.name}: priming POST answered ${posted.status}`)
  // Ours re-issues its cookie when the first change stores the session (lazy sessions): keep the new one.
  cookie = posted.headers.getSetCookie()[0]?.split(';')[0] ?? cookie
  return { cookie, csrf }
}

async function main () {
  const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
  const servers = cluster.serversSetting
  const stats = new MemcacheClient({ servers: cluster.servers })

  const apps: App[] = []
  for (const spec of RUN) {
    const port = await freePort()
    const child = spawn(process.execPath, [spec.script], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: servers, COOKIE_SECRET: SECRET, SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0', ...spec.env },
      stdio: ['ignore', 'ignore', 'inherit']
    })
    process.once('exit', () => child.kill('SIGKILL'))
    await waitForPort(port, 20_000)
    const app: App = { ...spec, port, process: child, visitors: [] }
    for (let i = 0; i < SESSIONS; i++) app.visitors.push(await openSession(app))
    apps.push(app)
  }
  const url = (app: App) => `http://127.0.0.1:${app.port}/`

  console.log(`# ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, Node ${process.version}; ${ROUNDS} rounds of ${SECONDS} s at ${CONNECTIONS} connections over ${SESSIONS} sessions with ${WRK ? 'wrk (1 thread)' : 'autocannon'}\n`)
  for (const app of apps) { // warm-up
    await load(url(app), 'GET', app.visitors, { duration: 2 })
    await load(url(app), 'POST', app.visitors, { duration: 2 })
  }

  // Each measurement with the server's own CPU time per request (/proc): steadier than req/s.
  type Measured = LoadResult & { cpuUs: number }
  const results = new Map<string, { GET: Measured[], POST: Measured[] }>(apps.map((a) => [a.name, { GET: [], POST: [] }]))
  for (let round = 1; round <= ROUNDS; round++) {
    for (const route of ['GET', 'POST'] as const) {
      for (const app of apps) {
        const cpuBefore = cpuSeconds(app.process!.pid!)
        const loaded = await load(url(app), route, app.visitors, { duration: SECONDS })
        const r = { ...loaded, cpuUs: (cpuSeconds(app.process!.pid!) - cpuBefore) * 1e6 / loaded.requests }
        results.get(app.name)![route].push(r)
        console.log(`round ${round} ${route.padEnd(4)} ${app.name.padEnd(22)} ${Math.round(r.rps)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  ${r.cpuUs.toFixed(0)} µs CPU/request${r.unexpected ? `  (${r.unexpected} unexpected answers)` : ''}`)
      }
    }
  }

  // memcached commands per request, counted by memcached over a fixed number of requests.
  const commands = new Map<string, { GET: number, POST: number }>()
  for (const app of apps) {
    const per: Record<string, number> = {}
    for (const route of ['GET', 'POST'] as const) {
      // Let writes the previous app still had in flight land before counting (not a timing).
      await new Promise((resolve) => setTimeout(resolve, 500))
      const before = await commandTotal(stats)
      const r = await load(url(app), route, app.visitors, { amount: 2000, connections: 8 })
      per[route] = ((await commandTotal(stats)) - before) / r.requests
    }
    commands.set(app.name, per as { GET: number, POST: number })
  }

  // Memory: peak RSS so far, then RSS growth over LEAK_REQUESTS page views after as many more.
  // The warm-up is that long because V8 grows the heap in steps under load (ours, one run: 186 MB,
  // then 239 MB somewhere between 107,000 and 176,000 views, then flat over 190,000 more): a growth figure taken across a step
  // reads as heap sizing rather than a leak (it stays flat after).
  const memoryRows = new Map<string, { peak: number, growth: number }>()
  for (const app of apps) {
    await load(url(app), 'GET', app.visitors, { amount: LEAK_REQUESTS })
    const before = memory(app.process!.pid!).rss
    await load(url(app), 'GET', app.visitors, { amount: LEAK_REQUESTS })
    const after = memory(app.process!.pid!)
    memoryRows.set(app.name, { peak: after.peak, growth: after.rss - before })
  }

  const med = (name: string, route: 'GET' | 'POST', field: keyof Measured) => median(results.get(name)![route].map((r) => r[field]))
  const floorGet = med('floor', 'GET', 'rps')
  const floorPost = med('floor', 'POST', 'rps')
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`
  const cpu = (name: string, route: 'GET' | 'POST') => `${med(name, route, 'cpuUs').toFixed(0)} (${ratio(med(name, route, 'cpuUs'), med('floor', route, 'cpuUs'))})`
  console.log('\n| app | GET / req/s (median, spread) | p50 / p99 ms | vs floor | POST / req/s (median, spread) | p50 / p99 ms | vs floor | CPU µs per GET / POST (vs floor) | commands per GET / POST | peak RSS | RSS growth over ' + LEAK_REQUESTS.toLocaleString('en') + ' GETs |')
  console.log('|---|---|---|---|---|---|---|---|---|---|---|')
  for (const app of apps) {
    const r = results.get(app.name)!
    const c = commands.get(app.name)!
    const m = memoryRows.get(app.name)!
    console.log(`| ${app.name} | ${Math.round(med(app.name, 'GET', 'rps'))} (${spread(r.GET.map((x) => x.rps))}) | ${med(app.name, 'GET', 'p50')} / ${med(app.name, 'GET', 'p99')} | ${ratio(med(app.name, 'GET', 'rps'), floorGet)} | ${Math.round(med(app.name, 'POST', 'rps'))} (${spread(r.POST.map((x) => x.rps))}) | ${med(app.name, 'POST', 'p50')} / ${med(app.name, 'POST', 'p99')} | ${ratio(med(app.name, 'POST', 'rps'), floorPost)} | ${cpu(app.name, 'GET')} / ${cpu(app.name, 'POST')} | ${c.GET.toFixed(2)} / ${c.POST.toFixed(2)} | ${m.peak.toFixed(0)} MB | ${m.growth.toFixed(1)} MB |`)
  }
  const has = (name: string) => results.has(name)
  const ours = (route: 'GET' | 'POST') => med('ours', route, 'rps')
  if (has('ours') && has('ours (meta)')) console.log(`\nmeta against binary (ours, median req/s, same run): GET ${ratio(med('ours (meta)', 'GET', 'rps'), ours('GET'))}, POST ${ratio(med('ours (meta)', 'POST', 'rps'), ours('POST'))}`)
  for (const [two, one] of [['ours', 'ours (one copy)'], ['ours (meta)', 'ours (meta, one copy)']] as const) {
    if (!has(two) || !has(one)) continue
    console.log(`two copies against one (${two}, median req/s, same run): GET ${ratio(med(two, 'GET', 'rps'), med(one, 'GET', 'rps'))}, POST ${ratio(med(two, 'POST', 'rps'), med(one, 'POST', 'rps'))}; p99 GET ${med(two, 'GET', 'p99')} vs ${med(one, 'GET', 'p99')} ms, POST ${med(two, 'POST', 'p99')} vs ${med(one, 'POST', 'p99')} ms`)
  }
  if (has('ours (meta)')) console.log(`\nthe default (ours (meta): meta, two copies) against the floor, same run: req/s GET ${ratio(med('ours (meta)', 'GET', 'rps'), floorGet)}, POST ${ratio(med('ours (meta)', 'POST', 'rps'), floorPost)}; CPU per request GET ${ratio(med('ours (meta)', 'GET', 'cpuUs'), med('floor', 'GET', 'cpuUs'))}, POST ${ratio(med('ours (meta)', 'POST', 'cpuUs'), med('floor', 'POST', 'cpuUs'))}`)
  if (has('ours')) {
    console.log('\nours against each peer (median req/s, same run):')
    for (const peer of ['floor', 'floor (small page)', '@fastify/session', 'express-session'].filter(has)) {
      console.log(`- ${peer}: GET ${ratio(ours('GET'), med(peer, 'GET', 'rps'))}, POST ${ratio(ours('POST'), med(peer, 'POST', 'rps'))}`)
    }
  }

  stats.close()
  for (const app of apps) app.process!.kill('SIGTERM')
  await cluster.stop()
}

await main()
