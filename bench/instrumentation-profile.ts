// `npm run bench:instrumentation-profile`: where the metrics' CPU goes, by a CPU profile rather
// than by comparing processes (bench/instrumentation-cost.ts). One app process with metrics off,
// then one with them on, each under the same BENCH_REQUESTS page views (30000) of one session,
// run with `node --cpu-prof`; printed: each one's busy time (the profile less idle), and in the
// "on" profile the share of the busy time spent in the metrics' own code, prom-client and the
// diagnostics channels, and in garbage collection beside the "off" one.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { csrfToken } from '../test/helper.ts'

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30_000)
const root = fileURLToPath(new URL('../', import.meta.url))
const INSTRUMENTATION = /prom-client|server\/observability|plugins\/metrics|diagnostics(\.ts|_channel)/

interface Profile { nodes: Array<{ id: number, callFrame: { functionName: string, url: string } }>, samples: number[], timeDeltas: number[] }

/** Milliseconds of the profile by what the samples were in: idle, GC, the instrumentation, everything. */
function shares (profile: Profile): { total: number, idle: number, gc: number, instrumentation: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
  const sums = { total: 0, idle: 0, gc: 0, instrumentation: 0 }
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)!
    const ms = profile.timeDeltas[i]! / 1000
    sums.total += ms
    if (frame.functionName === '(idle)') sums.idle += ms
    else if (frame.functionName === '(garbage collector)') sums.gc += ms
    else if (INSTRUMENTATION.test(frame.url)) sums.instrumentation += ms
  })
  return sums
}

async function profiled (servers: string, metricsPort: string): Promise<ReturnType<typeof shares>> {
  const dir = mkdtempSync(join(tmpdir(), 'instrumentation-profile-'))
  const port = await freePort()
  const child = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, 'server/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: servers, COOKIE_SECRET: 'bench-secret-that-is-long-enough-0123456789', NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0', METRICS_PORT: metricsPort },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  await waitForPort(port, 20_000)
  const url = `http://127.0.0.1:${port}/`
  const first = await fetch(url)
  const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
  const posted = await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body: new URLSearchParams({ _csrf: csrfToken(await first.text()), action: 'set', key: 'name', val: 'bench' }) })
  await autocannon({ url, connections: 16, amount: REQUESTS, headers: { cookie: posted.headers.getSetCookie()[0]?.split(';')[0] ?? cookie } })
  child.kill('SIGTERM')
  await new Promise((resolve) => child.once('exit', resolve))
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))!
  return shares(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile)
}

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
const off = await profiled(cluster.serversSetting, 'off')
const on = await profiled(cluster.serversSetting, '0')
await cluster.stop()
const busy = (s: typeof on) => s.total - s.idle
console.log(`${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${REQUESTS} page views each`)
console.log(`metrics off: ${busy(off).toFixed(0)} ms busy, GC ${off.gc.toFixed(0)} ms`)
console.log(`metrics on:  ${busy(on).toFixed(0)} ms busy, GC ${on.gc.toFixed(0)} ms, instrumentation ${on.instrumentation.toFixed(0)} ms`)
console.log(`instrumentation ${(on.instrumentation / busy(on) * 100).toFixed(1)}% of the busy time, GC ${((on.gc - off.gc) / busy(on) * 100).toFixed(1)}% more than off: ${((on.instrumentation + on.gc - off.gc) / busy(on) * 100).toFixed(1)}% in all (busy time on against off: ${((busy(on) / busy(off) - 1) * 100).toFixed(1)}%)`)
process.exit(0)
