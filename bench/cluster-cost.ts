// CPU per request of the cluster pages against a session page view, in one process, with
// `app.inject` (no sockets: what is left is the app's own work). Not a test: it prints figures.
//
//   node bench/cluster-cost.ts        (BENCH_SECONDS per route, default 3)
//
// Eight concurrent loops per route for a fixed time, so the stats cache (about a second) expires
// and is refetched as it would be under steady polling; the first line also shows what one
// uncached overview costs (10,000 routed keys + stats from every node), the price every request
// paid before the cache.
import { buildApp } from '../server/app.ts'
import { loadConfig, resolveConfig } from '../server/config.ts'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { sampleShares } from '../server/cluster/overview.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3)
const LOOPS = 8

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2], { memoryPerWeightMb: 8 })).killOnExit().start()
const app = await buildApp(resolveConfig(loadConfig({
  MEMCACHED_SERVERS: cluster.serversSetting,
  COOKIE_SECRET: 'bench-secret-that-is-long-enough-0123456789',
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn'
})), { level: 'warn' })
await app.ready()

// A returning visitor with a small session, as in the page-view benchmark.
const first = await app.inject({ url: '/' })
const cookie = `uc=${first.cookies.find((c) => c.name === 'uc')!.value}`

function cpuMs (since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

async function measure (url: string): Promise<{ url: string, requests: number, cpuPerRequest: number }> {
  const send = () => app.inject({ url, headers: { cookie } })
  for (let i = 0; i < 200; i++) {
    const response = await send()
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`)
  }
  let requests = 0
  const deadline = Date.now() + SECONDS * 1000
  const cpu = process.cpuUsage()
  await Promise.all(Array.from({ length: LOOPS }, async () => {
    while (Date.now() < deadline) {
      await send()
      requests++
    }
  }))
  return { url, requests, cpuPerRequest: cpuMs(cpu) / requests }
}

const sampleCpu = process.cpuUsage()
for (let i = 0; i < 20; i++) sampleShares(app.memcache)
const samplePerCall = cpuMs(sampleCpu) / 20
const statsCpu = process.cpuUsage()
for (let i = 0; i < 20; i++) await Promise.all(app.memcache.nodes.map((_, n) => app.memcache.stats(n)))
const statsPerCall = cpuMs(statsCpu) / 20
console.log(`one uncached overview: ${samplePerCall.toFixed(2)} ms CPU for the 10,000-key sample + ${statsPerCall.toFixed(2)} ms for stats from 4 nodes`)

const results = []
for (const url of ['/', '/cluster', '/cluster.json', '/cluster?key=pg%3Agreeting', '/cluster.json?key=pg%3Agreeting']) {
  results.push(await measure(url))
}
const base = results[0]!.cpuPerRequest
console.log(`\n${LOOPS} concurrent loops, ${SECONDS} s per route, node ${process.version}`)
console.log('| route | requests | CPU per request | vs GET / |')
console.log('|---|---:|---:|---:|')
for (const r of results) {
  console.log(`| \`GET ${r.url}\` | ${r.requests} | ${r.cpuPerRequest.toFixed(3)} ms | ${(r.cpuPerRequest / base).toFixed(2)}x |`)
}

await app.close()
await cluster.stop()
