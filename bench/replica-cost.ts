// `npm run bench:replicas`: what the second copy of every session costs, in the measures that a
// shared machine leaves steady: the server's own CPU time per request (utime + stime from
// /proc/PID/stat over a fixed number of requests) and memcached commands per request (memcached's
// own stats), for SESSION_REPLICAS=1 (the default) beside 0, same nodes, alternating rounds; req/s
// and p99 are printed too, for what they are worth on a busy machine.
// Settings: BENCH_REQUESTS (per measurement, 10000), BENCH_ROUNDS (3), MEMCACHED_PROTOCOL.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { MemcacheClient } from '@memcache-session/client'
import { commandTotal, cpuSeconds, load, visitorWith, type Visitor } from './measure.ts'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 10_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const SESSIONS = 256
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const root = fileURLToPath(new URL('../', import.meta.url))

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
const stats = new MemcacheClient({ servers: cluster.servers })
const apps: Array<{ name: string, url: string, child: ChildProcess, visitors: Visitor[] }> = []
for (const [name, replicas] of [['two copies', '1'], ['one copy', '0']] as const) {
  const port = await freePort()
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: cluster.serversSetting, COOKIE_SECRET: SECRET, NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0', SESSION_REPLICAS: replicas, MEMCACHED_PROTOCOL: process.env.MEMCACHED_PROTOCOL ?? 'meta' },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  process.once('exit', () => child.kill('SIGKILL'))
  await waitForPort(port, 20_000)
  const url = `http://127.0.0.1:${port}/`
  const visitors: Visitor[] = []
  for (let i = 0; i < SESSIONS; i++) visitors.push(await visitorWith(url))
  apps.push({ name, url, child, visitors })
}

type Figures = { cpuUs: number, commands: number, rps: number, p99: number }
const results = new Map(apps.map((a) => [a.name, { GET: [] as Figures[], POST: [] as Figures[] }]))
for (const app of apps) await load(app.url, 'GET', app.visitors, { amount: 2000 }) // warm-up
for (let round = 1; round <= ROUNDS; round++) {
  for (const route of ['GET', 'POST'] as const) {
    for (const app of apps) {
      const cpuBefore = cpuSeconds(app.child.pid!)
      const commandsBefore = await commandTotal(stats)
      const r = await load(app.url, route, app.visitors, { amount: REQUESTS })
      const figures = { cpuUs: (cpuSeconds(app.child.pid!) - cpuBefore) * 1e6 / r.requests, commands: (await commandTotal(stats) - commandsBefore) / r.requests, rps: r.rps, p99: r.p99 }
      results.get(app.name)![route].push(figures)
      console.log(`round ${round} ${route.padEnd(4)} ${app.name.padEnd(10)} ${figures.cpuUs.toFixed(0)} µs CPU/request  ${figures.commands.toFixed(2)} commands/request  ${Math.round(r.rps)} req/s  p99 ${r.p99} ms${r.unexpected ? `  (${r.unexpected} unexpected)` : ''}`)
    }
  }
}

console.log(`\n${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.env.MEMCACHED_PROTOCOL ?? 'meta'}, ${ROUNDS} rounds of ${REQUESTS} requests over ${SESSIONS} sessions (medians)\n`)
console.log('| | GET CPU/request | GET commands | GET req/s | GET p99 ms | POST CPU/request | POST commands | POST req/s | POST p99 ms |')
console.log('|---|---|---|---|---|---|---|---|---|')
const m = (name: string, route: 'GET' | 'POST', field: keyof Figures) => median(results.get(name)![route].map((f) => f[field]))
for (const app of apps) {
  const cells = (['GET', 'POST'] as const).flatMap((route) => [`${m(app.name, route, 'cpuUs').toFixed(0)} µs`, m(app.name, route, 'commands').toFixed(2), String(Math.round(m(app.name, route, 'rps'))), String(m(app.name, route, 'p99'))])
  console.log(`| ${app.name} | ${cells.join(' | ')} |`)
}
const ratio = (route: 'GET' | 'POST', field: keyof Figures) => (m('two copies', route, field) / m('one copy', route, field)).toFixed(2)
console.log(`\ntwo copies against one: CPU per request GET ${ratio('GET', 'cpuUs')}x, POST ${ratio('POST', 'cpuUs')}x; req/s GET ${ratio('GET', 'rps')}x, POST ${ratio('POST', 'rps')}x`)
stats.close()
for (const app of apps) app.child.kill('SIGTERM')
await cluster.stop()
process.exit(0)
