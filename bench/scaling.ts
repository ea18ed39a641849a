// `npm run bench:scaling`: how a page view's cost grows, ours (as shipped: meta, two copies)
// beside the floor (bench/peers/floor.ts), on the same four local nodes: GET / at 8, 32, 128 and
// 512 connections with sessions of about 100 B, and at 32 connections with sessions of about
// 4 KB and 60 KB (ours keeps a session under 64 KiB, a value under 16 KiB, so the large one is
// four values). Each cell: req/s, p50, p99, and the server's own CPU per request (/proc), which
// drifts far less than req/s on a shared machine. Settings: SCALING_SECONDS (per cell, 5).
// Loopback only, bounded in time.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { cpuSeconds, load, visitorWith, WRK, type Visitor } from './measure.ts'

const SECONDS = Number(process.env.SCALING_SECONDS ?? 5)
const SESSIONS = 256
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const root = fileURLToPath(new URL('../', import.meta.url))

/** A session's keys and values for each size: what a visitor stores through the form. */
const SIZES: Record<string, Array<[string, string]>> = {
  '100 B': [['name', 'Ada Lovelace'], ['email', 'ada@example.org'], ['note', 'Notes on the Engine, 1843.']],
  '4 KB': [['name', 'Ada Lovelace'], ['notes', 'n'.repeat(4000)]],
  '60 KB': Array.from({ length: 4 }, (_, i): [string, string] => [`part${i}`, 'p'.repeat(15_000)])
}
const CELLS: Array<{ size: string, connections: number }> = [
  ...[8, 32, 128, 512].map((connections) => ({ size: '100 B', connections })),
  { size: '4 KB', connections: 32 },
  { size: '60 KB', connections: 32 }
]

interface App { name: string, url: string, child: ChildProcess, sessions: Map<string, Visitor[]> }

async function startApp (name: string, script: string, servers: string): Promise<App> {
  const port = await freePort()
  const child = spawn(process.execPath, [script], {
    cwd: root,
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: servers, COOKIE_SECRET: SECRET, NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0' },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  process.once('exit', () => child.kill('SIGKILL'))
  await waitForPort(port, 20_000)
  return { name, url: `http://127.0.0.1:${port}/`, child, sessions: new Map() }
}

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
const apps = [await startApp('ours', 'server/main.ts', cluster.serversSetting), await startApp('floor', 'bench/peers/floor.ts', cluster.serversSetting)]
for (const app of apps) {
  for (const [size, fields] of Object.entries(SIZES)) {
    const visitors: Visitor[] = []
    for (let i = 0; i < SESSIONS; i++) visitors.push(await visitorWith(app.url, fields))
    app.sessions.set(size, visitors)
  }
  await load(app.url, 'GET', app.sessions.get('100 B')!, { duration: 2, connections: 32 }) // warm-up
}

console.log(`# ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${WRK ? 'wrk (1 thread)' : 'autocannon'}, ${SECONDS} s per cell, GET / over ${SESSIONS} sessions\n`)
console.log('| session | connections | ours req/s | floor req/s | ours p50 / p99 ms | floor p50 / p99 ms | ours CPU µs/request | floor CPU µs/request | CPU ours/floor | p99 ours/floor |')
console.log('|---|---|---|---|---|---|---|---|---|---|')
for (const { size, connections } of CELLS) {
  const row: Array<{ rps: number, p50: number, p99: number, cpuUs: number }> = []
  for (const app of apps) {
    const before = cpuSeconds(app.child.pid!)
    const r = await load(app.url, 'GET', app.sessions.get(size)!, { duration: SECONDS, connections })
    if (r.unexpected > 0) console.error(`${app.name}, ${size} at ${connections}: ${r.unexpected} unexpected answers`)
    row.push({ ...r, cpuUs: (cpuSeconds(app.child.pid!) - before) * 1e6 / r.requests })
  }
  const [ours, floor] = row as [typeof row[0], typeof row[0]]
  console.log(`| ${size} | ${connections} | ${Math.round(ours.rps)} | ${Math.round(floor.rps)} | ${ours.p50} / ${ours.p99} | ${floor.p50} / ${floor.p99} | ${ours.cpuUs.toFixed(0)} | ${floor.cpuUs.toFixed(0)} | ${(ours.cpuUs / floor.cpuUs).toFixed(2)}x | ${(ours.p99 / floor.p99).toFixed(2)}x |`)
}

for (const app of apps) {
  app.child.kill('SIGTERM')
  await once(app.child, 'exit')
}
await cluster.stop()
process.exit(0)
