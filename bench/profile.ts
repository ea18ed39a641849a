// `npm run bench:profile`: where a page view's CPU goes. Starts the app as shipped (production,
// meta, two copies), or PROFILE_APP=floor the bench's floor (bench/peers/floor.ts), on four local
// nodes under `node --cpu-prof`, opens 32 sessions, drives
// PROFILE_REQUESTS (20,000) requests of PROFILE_ROUTE (GET or POST) at 32 connections, stops the
// app so that it writes its profile, and prints the functions with the most CPU time (self, and
// inclusive of what they call), as shares of the busy time. PROFILE_DIR keeps the .cpuprofile
// (open it in Chrome's DevTools); PROFILE_SESSION_BYTES (a few) fills each session with that many
// bytes, in values of at most 15,000; start-up and warm-up are in it too, so the shares count only the samples
// taken after the warm-up (Node's profile has per-sample timestamps).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { load, visitorWith, type Visitor } from './measure.ts'

const ROUTE = (process.env.PROFILE_ROUTE ?? 'GET') as 'GET' | 'POST'
const REQUESTS = Number(process.env.PROFILE_REQUESTS ?? 20_000)
const TOP = Number(process.env.PROFILE_TOP ?? 30)
const SESSION_BYTES = Number(process.env.PROFILE_SESSION_BYTES ?? 3)
const FIELDS = Array.from({ length: Math.ceil(SESSION_BYTES / 15_000) }, (_, i): [string, string] => [`k${i}`, 'v'.repeat(Math.min(15_000, SESSION_BYTES - i * 15_000))])
const SCRIPT = process.env.PROFILE_APP === 'floor' ? 'bench/peers/floor.ts' : 'server/main.ts'
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const root = fileURLToPath(new URL('../', import.meta.url))

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, children?: number[] }
interface Profile { nodes: ProfileNode[], samples: number[], timeDeltas: number[], startTime: number }

/** Self and inclusive time per function, over the samples taken after `fromUs` (profile clock). */
function summarize (profile: Profile, fromUs: number): { busyUs: number, self: Map<string, number>, inclusive: Map<string, number> } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const name = (node: ProfileNode) => `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let busyUs = 0
  let at = profile.startTime
  for (const [i, sample] of profile.samples.entries()) {
    at += profile.timeDeltas[i]!
    const delta = profile.timeDeltas[i + 1] ?? 0
    const node = byId.get(sample)!
    if (at < fromUs || node.callFrame.functionName === '(idle)') continue
    busyUs += delta
    self.set(name(node), (self.get(name(node)) ?? 0) + delta)
    const seen = new Set<string>()
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const key = name(byId.get(id)!)
      if (!seen.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + delta)
      seen.add(key)
    }
  }
  return { busyUs, self, inclusive }
}

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
const dir = process.env.PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'profile-'))
const port = await freePort()
const app = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, SCRIPT], {
  cwd: root,
  env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: cluster.serversSetting, COOKIE_SECRET: SECRET, NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0' },
  stdio: ['ignore', 'ignore', 'inherit']
})
process.once('exit', () => app.kill('SIGKILL'))
await waitForPort(port, 20_000)
const url = `http://127.0.0.1:${port}/`
const visitors: Visitor[] = []
for (let i = 0; i < 32; i++) visitors.push(await visitorWith(url, FIELDS))
await load(url, ROUTE, visitors, { amount: 2000, connections: 32 }) // warm-up, not counted
const fromUs = Number(process.hrtime.bigint() / 1000n)
const result = await load(url, ROUTE, visitors, { amount: REQUESTS, connections: 32 })
app.kill('SIGTERM')
await once(app, 'exit')
await cluster.stop()

// The profile's clock is the same monotonic clock as process.hrtime, in µs.
const file = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f)).at(-1)!
const { busyUs, self, inclusive } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile, fromUs)
console.log(`${ROUTE} ×${result.requests} (${result.unexpected} unexpected): ${(busyUs / result.requests).toFixed(0)} µs of busy CPU per request in the profile; ${file}`)
const show = (title: string, times: Map<string, number>) => {
  console.log(`\n${title}`)
  for (const [key, us] of [...times].sort((a, b) => b[1] - a[1]).slice(0, TOP)) console.log(`${(100 * us / busyUs).toFixed(1).padStart(5)}%  ${key}`)
}
show('self time', self)
show('inclusive time', inclusive)
process.exit(0)
