// The playground flood of issue 13, bounded: 100 idle real sessions on 4 × 4 MB memcached nodes,
// then one client floods set_multi (20 keys a request, keys and values sized like the session
// records, so they compete for the same memcached slab class) for FLOOD_SECONDS; prints how many
// sessions survive and memcached's evictions. Runs the app as shipped (server/main.ts,
// NODE_ENV=production, PLAYGROUND=on) in three setups, each on fresh nodes:
//   shared, no limit      the playground in the session cluster, PLAYGROUND_KEYS_PER_MINUTE=0 (the case)
//   shared, rate limit    the playground in the session cluster, the default key rate limit
//   own pool (advised)    PLAYGROUND_MEMCACHED_SERVERS = a fifth 4 MB node, the default rate limit
//   own pool, no limit    the same without the rate limit: what the separate pool alone holds
// `node bench/playground-flood.ts [setup name prefix]` runs one or all of them.
// 127.0.0.1 only. Settings: FLOOD_SECONDS (20), FLOOD_CONNECTIONS (4), FLOOD_MAX_REQUESTS (50000).
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { LocalCluster, LocalNode } from '../tools/local-cluster.ts'
import { freePort, waitForPort } from '../tools/ports.ts'
import { MemcacheClient } from '@memcache-session/client'

const FLOOD_SECONDS = Number(process.env.FLOOD_SECONDS ?? 20)
const CONNECTIONS = Number(process.env.FLOOD_CONNECTIONS ?? 4)
const MAX_REQUESTS = Number(process.env.FLOOD_MAX_REQUESTS ?? 50_000)
const SESSIONS = 100
const NODE_MB = 4
const SECRET = 'bench-secret-that-is-long-enough-0123456789'
const root = fileURLToPath(new URL('../', import.meta.url))

interface Setup {
  name: string
  ownPool: boolean
  env: Record<string, string>
}

const SETUPS: Setup[] = [
  { name: 'shared, no limit', ownPool: false, env: { PLAYGROUND_KEYS_PER_MINUTE: '0' } },
  { name: 'shared, rate limit', ownPool: false, env: {} },
  { name: 'own pool (advised)', ownPool: true, env: {} },
  { name: 'own pool, no limit', ownPool: true, env: { PLAYGROUND_KEYS_PER_MINUTE: '0' } }
]

async function nodes (weights: number[]): Promise<LocalCluster> {
  const list = []
  for (const weight of weights) list.push(new LocalNode({ port: await freePort(), weight, memoryMb: NODE_MB }, 'memcached'))
  return new LocalCluster(list).killOnExit().start()
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** A real session: the page's cookie and token, then two keys set through the session form. */
async function openSession (base: string): Promise<{ cookie: string, csrf: string, id: string }> {
  const first = await fetch(`${base}/`)
  let cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await first.text())![1]!
  for (const [key, val] of [['name', 'Ada Lovelace'], ['cart', 'book-4711,book-1815,pen-42']]) {
    const posted = await fetch(`${base}/`, { method: 'POST', redirect: 'manual', headers: { ...FORM, cookie }, body: form({ _csrf: csrf, action: 'set', key: key!, val: val! }) })
    if (posted.status !== 303) throw new Error(`POST / answered ${posted.status}`)
    cookie = posted.headers.getSetCookie()[0]?.split(';')[0] ?? cookie
  }
  return { cookie, csrf, id: decodeURIComponent(cookie.slice(3)).slice(0, 32) }
}

async function evictions (mc: MemcacheClient): Promise<number> {
  const all = await Promise.all(mc.nodes.map((_, i) => mc.stats(i)))
  return all.reduce((sum, s) => sum + Number(s.evictions), 0)
}

async function run (setup: Setup) {
  const cluster = await nodes([4, 3, 1, 2])
  const pool = setup.ownPool ? await nodes([1]) : null
  const port = await freePort()
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PLAYGROUND: 'on',
      LOG_LEVEL: 'error',
      PORT: String(port),
      HOST: '127.0.0.1',
      COOKIE_SECRET: SECRET,
      // Its 100 idle sessions are made through the session form from one address.
      SESSION_NEW_PER_MINUTE: '0',
      MEMCACHED_SERVERS: cluster.serversSetting,
      ...(pool ? { PLAYGROUND_MEMCACHED_SERVERS: pool.serversSetting } : {}),
      ...setup.env
    },
    stdio: ['ignore', 'ignore', 'inherit']
  })
  const stop = () => child.kill('SIGKILL')
  process.once('exit', stop)
  const sessionsClient = new MemcacheClient({ servers: cluster.servers })
  try {
    await waitForPort(port, 20_000)
    const base = `http://127.0.0.1:${port}`
    const sessions = []
    for (let i = 0; i < SESSIONS; i++) sessions.push(await openSession(base))
    const record = await sessionsClient.get(sessions[0]!.id) as string
    const before = await evictions(sessionsClient)

    // The flooder: one session, one token; keys as long as a session id, values as long as a record.
    const flooder = await openSession(base)
    const page = await fetch(`${base}/memcache`, { headers: { cookie: flooder.cookie } })
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!
    const prefixLength = 'pg:0123456789abcdef:'.length
    const value = `'${'v'.repeat(record.length)}'`
    const statuses = new Map<number, number>()
    let requests = 0
    let counter = 0
    const deadline = Date.now() + FLOOD_SECONDS * 1000
    const started = Date.now()
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (Date.now() < deadline && requests < MAX_REQUESTS) {
        requests++
        const pairs = Array.from({ length: 20 }, () => `${(counter++).toString(36).padStart(32 - prefixLength, 'k')}=${value}`).join('\n')
        const response = await fetch(`${base}/memcache`, { method: 'POST', redirect: 'manual', headers: { ...FORM, cookie: flooder.cookie }, body: form({ _csrf: csrf, op: 'set_multi', pairs }) })
        await response.arrayBuffer()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
      }
    }))
    const seconds = (Date.now() - started) / 1000

    const alive = (await Promise.all(sessions.map((s) => sessionsClient.get(s.id)))).filter((v) => v !== undefined).length
    const evicted = await evictions(sessionsClient) - before
    let poolEvictions = ''
    if (pool) {
      const poolClient = new MemcacheClient({ servers: pool.servers })
      poolEvictions = `, playground pool evictions ${await evictions(poolClient)}`
      poolClient.close()
    }
    const answered = [...statuses].map(([status, count]) => `${count}×${status}`).join(' ')
    console.log(`${setup.name.padEnd(20)} ${requests} requests in ${seconds.toFixed(1)} s (${answered}); sessions alive ${alive}/${SESSIONS}; session cluster evictions ${evicted}${poolEvictions}`)
  } finally {
    sessionsClient.close()
    stop()
    process.removeListener('exit', stop)
    await cluster.stop('SIGKILL')
    await pool?.stop('SIGKILL')
  }
}

console.log(`playground flood: ${SESSIONS} idle sessions on 4 × ${NODE_MB} MB nodes (weights 4,3,1,2), one client, set_multi of 20 keys, ${FLOOD_SECONDS} s, ${CONNECTIONS} connections`)
for (const setup of process.argv[2] ? SETUPS.filter((s) => s.name.startsWith(process.argv[2]!)) : SETUPS) await run(setup)
