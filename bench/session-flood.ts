// `npm run bench:flood`: can a flood of valid requests push idle sessions out of a small cluster?
// Four memcached nodes of 4 MB each, the app as shipped (production, a real secret), 100 idle
// sessions with records sized like real ones, each made by its own visitor address (127.0.0.x:
// loopback only; Linux routes all of 127.0.0.0/8 to lo, elsewhere add the aliases first), then one client floods for a bounded time and we count the sessions left:
//   cookieless: GET / without a cookie (a lazy first visit stores nothing; in tornado mode each one
//               stores `{}`, up to the client's budget of new sessions);
//   writes:     GET / then POST / from a fresh session each time, each record sized like the idle
//               ones (issue 21: 92 of 100 evicted), against the write budget and the budget of new sessions;
//   writes, no budgets: the same with SESSION_WRITES_PER_MINUTE=0 and SESSION_NEW_PER_MINUTE=0.
// Settings: FLOOD_SECONDS (20 per flood), FLOOD_CONNECTIONS (8), FLOOD_COOKIE_FORMAT (fastify or
// tornado), FLOOD_ADDRESSES (1: how many client addresses the flood comes from, 127.1.0.x).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { request as httpRequest } from 'node:http'
import { fileURLToPath } from 'node:url'
import { LocalCluster, LocalNode } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { MemcacheClient } from '@memcache-session/client'

const SECONDS = Number(process.env.FLOOD_SECONDS ?? 20)
const CONNECTIONS = Number(process.env.FLOOD_CONNECTIONS ?? 8)
const ADDRESSES = Number(process.env.FLOOD_ADDRESSES ?? 1)
const COOKIE_FORMAT = process.env.FLOOD_COOKIE_FORMAT === 'tornado' ? 'tornado' : 'fastify'
const SESSIONS = 100
const NODE_MB = 4
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const FIELDS = [['name', 'Ada Lovelace'], ['email', 'ada@example.org'], ['note', 'Notes on the Analytical Engine, 1843']]
const root = fileURLToPath(new URL('../', import.meta.url))

interface Answer { status: number, cookie: string | null, body: string }

/** One HTTP request from `localAddress` (each visitor address has its own budgets). */
function send (base: string, localAddress: string, method: 'GET' | 'POST', cookie: string | null, form?: Record<string, string>): Promise<Answer> {
  const body = form ? new URLSearchParams(form).toString() : undefined
  return new Promise((resolve, reject) => {
    const req = httpRequest(base, {
      method,
      localAddress,
      headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } : {}) }
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode!, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] ?? null, body: text }))
    })
    req.once('error', reject)
    req.end(body)
  })
}

const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? ''

/** A session as a visitor makes it: the page, then three keys set through the form; its cookie. */
async function realSession (base: string, address: string): Promise<string> {
  const first = await send(base, address, 'GET', null)
  let cookie = first.cookie!
  const csrf = tokenOf(first.body)
  for (const [key, val] of FIELDS) {
    const posted = await send(base, address, 'POST', cookie, { _csrf: csrf, action: 'set', key: key!, val: val! })
    if (posted.status !== 303) throw new Error(`setting ${key}: ${posted.status}`)
    cookie = posted.cookie ?? cookie
  }
  return cookie
}

async function totals (mc: MemcacheClient): Promise<{ items: number, evictions: number }> {
  const sum = { items: 0, evictions: 0 }
  for (let i = 0; i < mc.nodes.length; i++) {
    const stats = await mc.stats(i)
    sum.items += Number(stats.curr_items)
    sum.evictions += Number(stats.evictions)
  }
  return sum
}

/** `CONNECTIONS` loops for `SECONDS`, spread over the flood's addresses; the answers by status. */
async function flood (base: string, kind: 'cookieless' | 'writes'): Promise<Map<number, number>> {
  const statuses = new Map<number, number>()
  const count = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1)
  const end = Date.now() + SECONDS * 1000
  // A record sized like the idle ones: their three fields in one value.
  const val = FIELDS.map(([k, v]) => `${k}=${v}`).join('; ')
  await Promise.all(Array.from({ length: CONNECTIONS }, async (_, loop) => {
    for (let n = 0; Date.now() < end; n++) {
      const address = `127.1.0.${1 + ((loop + n * CONNECTIONS) % ADDRESSES)}`
      const page = await send(base, address, 'GET', null)
      if (kind === 'cookieless' || page.status !== 200) { count(page.status); continue }
      const posted = await send(base, address, 'POST', page.cookie, { _csrf: tokenOf(page.body), action: 'set', key: 'profile', val })
      count(posted.status)
    }
  }))
  return statuses
}

async function phase (label: string, kind: 'cookieless' | 'writes', env: Record<string, string>): Promise<void> {
  const nodes = []
  for (const weight of [4, 3, 1, 2]) nodes.push(new LocalNode({ port: await freePort(), weight, memoryMb: NODE_MB }, 'memcached'))
  const cluster = await new LocalCluster(nodes).killOnExit().start()
  const mc = new MemcacheClient({ servers: cluster.servers })
  const port = await freePort()
  const app = spawn(process.execPath, [...process.execArgv, 'server/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: cluster.serversSetting, COOKIE_SECRET: SECRET, COOKIE_FORMAT, ...env },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const kill = () => app.kill('SIGKILL')
  process.once('exit', kill)
  await waitForPort(port, 20_000)
  const base = `http://127.0.0.1:${port}/`

  const cookies = []
  for (let i = 0; i < SESSIONS; i++) cookies.push(await realSession(base, `127.0.0.${2 + i}`))
  const before = await totals(mc)
  const statuses = await flood(base, kind)
  const after = await totals(mc)
  // A session survives when its visitor still finds its data (any copy of the record will do).
  let survivors = 0
  for (const [i, cookie] of cookies.entries()) {
    if ((await send(base, `127.0.0.${2 + i}`, 'GET', cookie)).body.includes('Ada Lovelace')) survivors++
  }
  const answers = [...statuses].sort(([a], [b]) => a - b).map(([status, n]) => `${n.toLocaleString('en')} × ${status}`).join(', ')
  console.log(`${label.padEnd(28)} ${answers.padEnd(34)} items ${before.items} -> ${after.items}, evictions +${after.evictions - before.evictions}: idle sessions surviving ${survivors} of ${SESSIONS}`)

  mc.close()
  process.off('exit', kill)
  app.kill('SIGTERM')
  await once(app, 'exit')
  await cluster.stop()
}

async function main () {
  console.log(`cookie format ${COOKIE_FORMAT}, 4 × ${NODE_MB} MB nodes, ${SESSIONS} idle sessions (one address each), then ${SECONDS} s of flood on ${CONNECTIONS} connections from ${ADDRESSES} address(es)`)
  await phase('cookieless GET /', 'cookieless', {})
  await phase('writes (budgets on)', 'writes', {})
  await phase('writes, no budgets', 'writes', { SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0' })
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error)
  process.exit(1)
})
