// `npm run bench:big-session`: can one big session stall the app for everyone? (issue 21, finding 1)
// Four local memcached nodes, the app as shipped (production, a real secret), 50 visitors with
// small sessions, and one session filled to the limits through the form (1,000 keys and 61 KiB of
// JSON, most of it `<`, which escapes to four times its size). Measures the visitors' page views alone,
// then again while a second process replays the big session's `GET /` on its own connections.
// Loopback only, bounded in time. Settings: BIG_SECONDS (10 per phase), BIG_CONNECTIONS (8 for the
// visitors, 8 for the replay). Run from a checkout, it measures that checkout's server/main.ts.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { cpuSeconds, load, type LoadResult, type Visitor } from './measure.ts'

const SECONDS = Number(process.env.BIG_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BIG_CONNECTIONS ?? 8)
const VISITORS = 50
const CPU_VIEWS = 2000
/** 993 short keys, then 7 values of 7,000 `<`: 62,753 bytes of JSON, within 5% of the 64 KiB limit. */
const FILL: Array<[string, string]> = [
  ...Array.from({ length: 993 }, (_, i): [string, string] => [`k${i}`, `v${i}`]),
  ...Array.from({ length: 7 }, (_, i): [string, string] => [`big${i}`, '<'.repeat(7000)])
]
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const root = fileURLToPath(new URL('../', import.meta.url))

/** A visitor of the page: its cookie and the form's token. */
async function visit (base: string): Promise<Visitor & { csrf: string }> {
  const page = await fetch(base)
  const cookie = page.headers.getSetCookie()[0]!.split(';')[0]!
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!
  return { cookie, csrf }
}

async function setKey (base: string, visitor: Visitor & { csrf: string }, key: string, val: string): Promise<void> {
  const posted = await fetch(base, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: visitor.cookie },
    body: new URLSearchParams({ _csrf: visitor.csrf, action: 'set', key, val })
  })
  await posted.arrayBuffer()
  if (posted.status !== 303) throw new Error(`setting ${key}: ${posted.status}`)
  visitor.cookie = posted.headers.getSetCookie()[0]?.split(';')[0] ?? visitor.cookie
}

/** The replay, in a process of its own so that it does not share the visitors' load generator. */
function replay (base: string, cookie: string): { done: Promise<LoadResult> } {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'replay', base, cookie], { stdio: ['ignore', 'pipe', 'inherit'] })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  return { done: once(child, 'exit').then(() => JSON.parse(output) as LoadResult) }
}

const line = (label: string, r: LoadResult) =>
  `${label.padEnd(34)} ${Math.round(r.rps).toLocaleString('en').padStart(7)} req/s   p50 ${String(r.p50).padStart(6)} ms   p99 ${String(r.p99).padStart(6)} ms   (${r.unexpected} unexpected)`

async function main () {
  const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
  const port = await freePort()
  const app = spawn(process.execPath, [...process.execArgv, 'server/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      HOST: '127.0.0.1',
      MEMCACHED_SERVERS: cluster.serversSetting,
      COOKIE_SECRET: SECRET,
      // Its 51 sessions and 1,150 writes come from one address: not what the session budgets are for.
      SESSION_WRITES_PER_MINUTE: '0',
      SESSION_NEW_PER_MINUTE: '0'
    },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  process.once('exit', () => app.kill('SIGKILL'))
  await waitForPort(port, 20_000)
  const base = `http://127.0.0.1:${port}/`

  const visitors = []
  for (let i = 0; i < VISITORS; i++) {
    const visitor = await visit(base)
    for (const [key, val] of [['name', 'Ada Lovelace'], ['email', 'ada@example.org'], ['note', 'Notes on the Analytical Engine, 1843']]) await setKey(base, visitor, key!, val!)
    visitors.push(visitor)
  }
  const big = await visit(base)
  for (const [key, val] of FILL) await setKey(base, big, key, val)
  const bigPage = await (await fetch(base, { headers: { cookie: big.cookie } })).text()
  const smallPage = await (await fetch(base, { headers: { cookie: visitors[0]!.cookie } })).text()
  console.log(`the big session's page: ${Buffer.byteLength(bigPage).toLocaleString('en')} bytes; a visitor's: ${Buffer.byteLength(smallPage).toLocaleString('en')} bytes`)
  console.log(`${SECONDS} s per phase, ${CONNECTIONS} connections for the visitors (${VISITORS} sessions) and ${CONNECTIONS} for the replay`)

  // The server's own CPU per view, over a fixed number of views: steadier than req/s.
  for (const [label, who] of [['a visitor\'s page', visitors], ['the full session\'s page', [big]]] as const) {
    const before = cpuSeconds(app.pid!)
    const run = await load(base, 'GET', [...who], { amount: CPU_VIEWS, connections: CONNECTIONS })
    console.log(`${label.padEnd(34)} ${((cpuSeconds(app.pid!) - before) * 1e6 / run.requests).toFixed(0).padStart(7)} µs of server CPU per view (${run.requests} views)`)
  }

  const alone = await load(base, 'GET', visitors, { duration: SECONDS, connections: CONNECTIONS })
  console.log(line('visitors alone', alone))
  const attack = replay(base, big.cookie)
  const during = await load(base, 'GET', visitors, { duration: SECONDS, connections: CONNECTIONS })
  const replayed = await attack.done
  console.log(line('visitors, big page replayed', during))
  console.log(line('the replay itself', replayed))

  app.kill('SIGTERM')
  await once(app, 'exit')
  await cluster.stop()
}

if (process.argv[2] === 'replay') {
  const [, , , base, cookie] = process.argv
  load(base!, 'GET', [{ cookie: cookie! }], { duration: SECONDS, connections: CONNECTIONS }).then((result) => {
    process.stdout.write(JSON.stringify(result))
  }, (error: unknown) => { console.error(error); process.exit(1) })
} else {
  main().then(() => process.exit(0), (error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
