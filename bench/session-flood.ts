// `npm run bench:flood`: does a flood of cookieless page views push real sessions out of a small
// cluster? Four memcached nodes of 4 MB each, the app as shipped, 100 idle sessions with records
// sized like real ones, then GET / without a cookie from one client for a bounded time (127.0.0.1
// only). Prints how many of the 100 sessions survive and what memcached's own `stats` say.
// Settings: FLOOD_SECONDS (20), FLOOD_CONNECTIONS (8), FLOOD_COOKIE_FORMAT (fastify; `tornado`
// keeps sessions eager, so every cookieless view stores a record: the "before" figure).
import { spawn } from 'node:child_process'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { LocalCluster, LocalNode } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { MemcacheClient } from '@memcache-session/client'
import { WRK } from './measure.ts'

const SECONDS = Number(process.env.FLOOD_SECONDS ?? 20)
const CONNECTIONS = Number(process.env.FLOOD_CONNECTIONS ?? 8)
const COOKIE_FORMAT = process.env.FLOOD_COOKIE_FORMAT === 'tornado' ? 'tornado' : 'fastify'
const SESSIONS = 100
const NODE_MB = 4
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const root = fileURLToPath(new URL('../', import.meta.url))
const run = promisify(execFile)

/** A session as a visitor makes it: the page, then three keys set through the form. */
async function realSession (base: string): Promise<{ id: string, cookie: string }> {
  const first = await fetch(base)
  let cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await first.text())![1]!
  const fields = [['name', 'Ada Lovelace'], ['email', 'ada@example.org'], ['note', 'Notes on the Analytical Engine, 1843']]
  for (const [key, val] of fields) {
    const posted = await fetch(base, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: csrf, action: 'set', key: key!, val: val! })
    })
    if (posted.status !== 303) throw new Error(`setting ${key}: ${posted.status}`)
    cookie = posted.headers.getSetCookie()[0]?.split(';')[0] ?? cookie
  }
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1)).replace(/^"/, '')
  // fastify format: `<id>.<created>.<sig>`; tornado: `2|1:0|10:<ts>|2:uc|44:<base64 id>|<sig>`.
  const id = COOKIE_FORMAT === 'fastify' ? value.slice(0, 32) : Buffer.from(value.split('|')[4]!.split(':')[1]!, 'base64').toString()
  return { id, cookie }
}

async function totals (mc: MemcacheClient): Promise<{ items: number, sets: number, evictions: number }> {
  const sum = { items: 0, sets: 0, evictions: 0 }
  for (let i = 0; i < mc.nodes.length; i++) {
    const stats = await mc.stats(i)
    sum.items += Number(stats.curr_items)
    sum.sets += Number(stats.cmd_set)
    sum.evictions += Number(stats.evictions)
  }
  return sum
}

/** Cookieless GET / for `SECONDS`: wrk when installed (it leaves the cores to the server), else autocannon. */
async function flood (url: string): Promise<{ requests: number, seconds: number }> {
  if (WRK) {
    const { stdout } = await run(WRK, ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, url])
    const requests = Number(/(\d+) requests in/.exec(stdout)![1])
    return { requests, seconds: SECONDS }
  }
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS })
  return { requests: result.requests.total, seconds: SECONDS }
}

async function main () {
  const nodes = []
  for (const weight of [4, 3, 1, 2]) nodes.push(new LocalNode({ port: await freePort(), weight, memoryMb: NODE_MB }, 'memcached'))
  const cluster = await new LocalCluster(nodes).killOnExit().start()
  const mc = new MemcacheClient({ servers: cluster.servers })
  const port = await freePort()
  // The app runs under the same Node flags as this script (a TypeScript loader, if any).
  const app = spawn(process.execPath, [...process.execArgv, 'server/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: cluster.serversSetting, COOKIE_SECRET: SECRET, COOKIE_FORMAT },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  process.once('exit', () => app.kill('SIGKILL'))
  await waitForPort(port, 20_000)
  const base = `http://127.0.0.1:${port}/`

  const sessions = []
  for (let i = 0; i < SESSIONS; i++) sessions.push(await realSession(base))
  const record = await mc.get(sessions[0]!.id)
  const before = await totals(mc)
  console.log(`${SESSIONS} idle sessions stored (record: ${Buffer.byteLength(String(record))} bytes), cookie format ${COOKIE_FORMAT}, 4 × ${NODE_MB} MB nodes`)
  console.log(`flooding GET / without a cookie for ${SECONDS} s, ${CONNECTIONS} connections (${WRK ? 'wrk' : 'autocannon'})...`)

  const { requests, seconds } = await flood(base)
  const after = await totals(mc)
  let survivors = 0
  for (const { id } of sessions) if (typeof (await mc.get(id)) === 'string') survivors++

  console.log(`cookieless requests:      ${requests} (${Math.round(requests / seconds)}/s)`)
  console.log(`memcached sets:            +${after.sets - before.sets}`)
  console.log(`memcached items:           ${before.items} -> ${after.items}`)
  console.log(`evictions:                 +${after.evictions - before.evictions}`)
  console.log(`idle sessions surviving:   ${survivors} of ${SESSIONS}`)

  mc.close()
  app.kill('SIGTERM')
  await cluster.stop()
}

main().then(() => process.exit(0), (error: unknown) => {
  console.error(error)
  process.exit(1)
})
