// `npm run bench:compare -- label=checkout[,ENV=value...] ...`: the same routes of several builds of
// the app (two checkouts, or one with different settings) on the same four local nodes, measured in
// alternation, printing each one's server CPU per request and req/s, and its ratio to the first.
// How each change in bench/README.md's "Towards the floor" was measured on its own: a checkout
// before it against one after it, in one run. `floor` as a checkout runs that checkout's
// bench/peers/floor.ts. Each checkout runs with its own node_modules (`npm ci` there first).
// COMPARE_SECONDS (5), COMPARE_ROUNDS (5), COMPARE_ROUTES (GET,POST).
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { cpuSeconds, load, visitorWith, type Visitor } from './measure.ts'

const SECONDS = Number(process.env.COMPARE_SECONDS ?? 5)
const ROUNDS = Number(process.env.COMPARE_ROUNDS ?? 5)
const ROUTES = (process.env.COMPARE_ROUTES ?? 'GET,POST').split(',') as Array<'GET' | 'POST'>
const SESSIONS = 256
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const here = fileURLToPath(new URL('../', import.meta.url))

interface Build { label: string, script: string, cwd: string, env: Record<string, string>, process?: ChildProcess, url?: string, visitors: Visitor[] }

/** `label=dir,KEY=value`: dir is a checkout (the app), or `floor` / `floor@dir` (that checkout's floor). */
function parse (arg: string): Build {
  const [label, rest = ''] = arg.split(/=(.*)/s) as [string, string?]
  const [where = '.', ...settings] = rest.split(',')
  const floor = where === 'floor' || where.startsWith('floor@')
  const cwd = resolve(floor ? (where.slice('floor@'.length) || here) : where)
  const env = Object.fromEntries(settings.map((s) => s.split(/=(.*)/s).slice(0, 2) as [string, string]))
  return { label, cwd, script: floor ? 'bench/peers/floor.ts' : 'server/main.ts', env, visitors: [] }
}

const builds = process.argv.slice(2).map(parse)
if (builds.length < 2) throw new Error('usage: node bench/compare.ts label=checkout[,ENV=value...] label=checkout...')
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
for (const build of builds) {
  const port = await freePort()
  build.process = spawn(process.execPath, [build.script], {
    cwd: build.cwd,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: cluster.serversSetting, COOKIE_SECRET: SECRET, SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0', METRICS_PORT: '0', ...build.env },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  process.once('exit', () => build.process!.kill('SIGKILL'))
  await waitForPort(port, 20_000)
  build.url = `http://127.0.0.1:${port}/`
  for (let i = 0; i < SESSIONS; i++) build.visitors.push(await visitorWith(build.url))
}
for (const build of builds) for (const route of ROUTES) await load(build.url!, route, build.visitors, { duration: 2 })

const cpu = new Map<string, number[]>()
const rps = new Map<string, number[]>()
for (let round = 1; round <= ROUNDS; round++) {
  for (const route of ROUTES) {
    // In the opposite order every other round (ABBA): a build measured first or last, or a drift
    // over the round, weighs on every build alike over two rounds.
    for (const build of round % 2 === 1 ? builds : [...builds].reverse()) {
      const before = cpuSeconds(build.process!.pid!)
      const r = await load(build.url!, route, build.visitors, { duration: SECONDS })
      const us = (cpuSeconds(build.process!.pid!) - before) * 1e6 / r.requests
      const key = `${build.label} ${route}`
      cpu.set(key, [...(cpu.get(key) ?? []), us])
      rps.set(key, [...(rps.get(key) ?? []), r.rps])
      console.log(`round ${round} ${route.padEnd(4)} ${build.label.padEnd(16)} ${Math.round(r.rps)} req/s  ${us.toFixed(0)} µs CPU/request${r.unexpected ? `  (${r.unexpected} unexpected)` : ''}`)
    }
  }
}
console.log(`\n| build | route | CPU µs per request (median of ${ROUNDS}) | vs ${builds[0]!.label} | req/s (median) | vs ${builds[0]!.label} |\n|---|---|---|---|---|---|`)
for (const route of ROUTES) {
  for (const build of builds) {
    const c = median(cpu.get(`${build.label} ${route}`)!)
    const r = median(rps.get(`${build.label} ${route}`)!)
    const c0 = median(cpu.get(`${builds[0]!.label} ${route}`)!)
    const r0 = median(rps.get(`${builds[0]!.label} ${route}`)!)
    console.log(`| ${build.label} | ${route} | ${c.toFixed(0)} | ${(c / c0).toFixed(2)}x | ${Math.round(r)} | ${(r / r0).toFixed(2)}x |`)
  }
}
for (const build of builds) build.process!.kill('SIGTERM')
await cluster.stop()
