// `npm run bench:compare -- label=checkout[,ENV=value...] ...`: the same routes of several builds of
// the app (two checkouts, or one with different settings) on the same four local nodes, measured in
// alternation, printing each one's server CPU per request and req/s, and its ratio to the first.
// How each change in bench/README.md's "Towards the floor" was measured on its own: a checkout
// before it against one after it, in one run. `floor` as a checkout runs that checkout's
// bench/peers/floor.ts. Each checkout runs with its own node_modules (`npm ci` there first).
// Each build's peak RSS at the end. COMPARE_SECONDS (5), COMPARE_ROUNDS (5), COMPARE_ROUTES (GET,POST).
import type { ChildProcess } from 'node:child_process'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { parseBuild, spawnBuild, type Build } from './builds.ts'
import { cpuSeconds, load, memory, visitorWith, type Visitor } from './measure.ts'

const SECONDS = Number(process.env.COMPARE_SECONDS ?? 5)
const ROUNDS = Number(process.env.COMPARE_ROUNDS ?? 5)
const ROUTES = (process.env.COMPARE_ROUTES ?? 'GET,POST').split(',') as Array<'GET' | 'POST'>
const SESSIONS = 256

const builds: Array<Build & { process?: ChildProcess, url?: string, visitors: Visitor[] }> = process.argv.slice(2).map((arg) => ({ ...parseBuild(arg), visitors: [] }))
if (builds.length < 2) throw new Error('usage: node bench/compare.ts label=checkout[,ENV=value...] label=checkout...')
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
for (const build of builds) {
  const started = await spawnBuild(build, cluster.serversSetting)
  build.process = started.child
  build.url = started.url
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
console.log(`\npeak RSS: ${builds.map((build) => `${build.label} ${memory(build.process!.pid!).peak.toFixed(0)} MB`).join(', ')}`)
for (const build of builds) build.process!.kill('SIGTERM')
await cluster.stop()
