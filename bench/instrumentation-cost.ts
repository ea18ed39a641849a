// `npm run bench:instrumentation`: what the metrics cost a page view. Three app processes on the
// same four nodes, in the same run: one with metrics on (METRICS_PORT, and a scrape of /metrics
// every SCRAPE_MS while it is measured, far more often than Prometheus's usual 15 s, so the
// scrapes' own cost is in the figure), one with METRICS_PORT=off (no metrics subscriber on any
// diagnostics channel, no hook; the session page's own story still listens, in both), and a
// second one off, the control: what two processes running the same code disagree by is the noise
// floor of the comparison. Each round loads one app at a time with wrk for BENCH_SECONDS, in the
// opposite order every other round (ABBA), so every measurement has the machine to itself at
// saturation and a drift weighs on each app alike. (An earlier version loaded the three at once
// with autocannon in this process: the generator, not the apps, was the bottleneck, about 2,500
// requests a second each, and CPU per request at part load carries every idle wake-up.) The
// measure a shared machine leaves steadiest is the app's own CPU time per request (utime + stime
// from /proc/PID/stat over the run); req/s and p99 are printed too. The figure is the median over
// rounds of each round's ratio.
// Settings: BENCH_SECONDS (per measurement, 3), BENCH_ROUNDS (7), SCRAPE_MS (1000),
// MEMCACHED_PROTOCOL (meta), and OTEL=on to add a fourth process with tracing as well.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { cpuSeconds, load, visitorWith, type Visitor } from './measure.ts'
import { measurePath } from './instrumentation-path.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7)
const SCRAPE_MS = Number(process.env.SCRAPE_MS ?? 1000)
const SESSIONS = 256
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const root = fileURLToPath(new URL('../', import.meta.url))

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

interface App { name: string, url: string, child: ChildProcess, visitors: Visitor[], metricsUrl: string | null }

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
// The control runs the same code as 'metrics off': how far two identical processes disagree here.
const variants: Array<[string, Record<string, string> | null]> = [['metrics on', {}], ['metrics off', null], ['control (off)', null]]
if (process.env.OTEL === 'on') variants.push(['metrics+traces', { OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'bench' }])
const apps: App[] = []
for (const [name, extra] of variants) {
  const port = await freePort()
  const metricsPort = extra ? await freePort() : null
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: cluster.serversSetting, COOKIE_SECRET: SECRET, NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0', MEMCACHED_PROTOCOL: process.env.MEMCACHED_PROTOCOL ?? 'meta', METRICS_PORT: metricsPort === null ? 'off' : String(metricsPort), ...extra },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  process.once('exit', () => child.kill('SIGKILL'))
  await waitForPort(port, 20_000)
  if (metricsPort !== null) await waitForPort(metricsPort, 20_000)
  const url = `http://127.0.0.1:${port}/`
  const visitors: Visitor[] = []
  for (let i = 0; i < SESSIONS; i++) visitors.push(await visitorWith(url))
  apps.push({ name, url, child, visitors, metricsUrl: metricsPort === null ? null : `http://127.0.0.1:${metricsPort}/metrics` })
}

/** Scrapes `app` every SCRAPE_MS until the returned function is called. */
function scraper (app: App): () => Promise<number> {
  if (!app.metricsUrl) return async () => 0
  let scrapes = 0
  const timer = setInterval(() => { fetch(app.metricsUrl!).then((r) => r.text()).then(() => { scrapes++ }, () => {}) }, SCRAPE_MS)
  return async () => { clearInterval(timer); return scrapes }
}

type Figures = { cpuUs: number, rps: number, p99: number }
const results = new Map(apps.map((a) => [a.name, { GET: [] as Figures[], POST: [] as Figures[] }]))
for (const app of apps) await load(app.url, 'GET', app.visitors, { amount: 2000 }) // warm-up
let scrapes = 0
for (let round = 1; round <= ROUNDS; round++) {
  for (const route of ['GET', 'POST'] as const) {
    // One app at a time, in the opposite order every other round (ABBA): each measurement has the
    // machine to itself, and a drift over the round weighs on every app alike over two rounds.
    const order = round % 2 === 1 ? apps : [...apps].reverse()
    for (const app of order) {
      const stop = scraper(app)
      const cpuBefore = cpuSeconds(app.child.pid!)
      const r = await load(app.url, route, app.visitors, { duration: SECONDS, connections: 16 })
      const cpuUs = (cpuSeconds(app.child.pid!) - cpuBefore) * 1e6 / r.requests
      scrapes += await stop()
      results.get(app.name)![route].push({ cpuUs, rps: r.rps, p99: r.p99 })
      console.log(`round ${round} ${route.padEnd(4)} ${app.name.padEnd(14)} ${cpuUs.toFixed(0)} µs CPU/request  ${Math.round(r.rps)} req/s  p99 ${r.p99} ms${r.unexpected ? `  (${r.unexpected} unexpected)` : ''}`)
    }
  }
}

console.log(`\n${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.env.MEMCACHED_PROTOCOL ?? 'meta'}, ${ROUNDS} rounds of ${SECONDS} s over ${SESSIONS} sessions, /metrics scraped every ${SCRAPE_MS} ms (${scrapes} scrapes) (medians)\n`)
console.log('| | GET CPU/request | GET req/s | GET p99 ms | POST CPU/request | POST req/s | POST p99 ms |')
console.log('|---|---|---|---|---|---|---|')
const m = (name: string, route: 'GET' | 'POST', field: keyof Figures) => median(results.get(name)![route].map((f) => f[field]))
for (const app of apps) {
  const cells = (['GET', 'POST'] as const).flatMap((route) => [`${m(app.name, route, 'cpuUs').toFixed(0)} µs`, String(Math.round(m(app.name, route, 'rps'))), String(m(app.name, route, 'p99'))])
  console.log(`| ${app.name} | ${cells.join(' | ')} |`)
}
/** The median of the rounds' ratios (each round ran both side by side): the pairing takes out the machine's drift. */
const costOf = (name: string, route: 'GET' | 'POST') => {
  const on = results.get(name)![route]
  const off = results.get('metrics off')![route]
  return `${((median(on.map((f, i) => f.cpuUs / off[i]!.cpuUs)) - 1) * 100).toFixed(1)}%`
}
for (const app of apps.filter((a) => a.name !== 'metrics off')) {
  console.log(`\n${app.name} against off, CPU per request (median of the rounds' ratios): GET ${costOf(app.name, 'GET')}, POST ${costOf(app.name, 'POST')}`)
}
for (const app of apps) app.child.kill('SIGTERM')

// The same cost measured in one process (instrumentation-path.ts), against the page view's CPU above.
const path = await measurePath(cluster.servers)
const delta = path.onUs - path.offUs
const pageView = m('metrics off', 'GET', 'cpuUs')
console.log(`\nin one process, ${path.blocks} blocks of ${path.viewsPerBlock} page views each way (ABBA): a page view's instrumented path ${path.onUs.toFixed(1)} µs CPU with the metrics on, ${path.offUs.toFixed(1)} µs off: ${delta.toFixed(1)} µs, ${(delta / pageView * 100).toFixed(1)}% of a page view (${pageView.toFixed(0)} µs, metrics off, above)`)
await cluster.stop()
process.exit(0)
