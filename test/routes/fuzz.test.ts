// Issue 21: a fuzz run of every route, against the app as a process on real memcached. Odd
// methods, paths, query strings, headers, cookies and bodies, chosen by a seeded generator (the
// seed is printed, FUZZ_SEED replays it; FUZZ_REQUESTS sets how many). Whatever arrives, the app
// answers it without a 5xx and keeps running.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import { startCluster } from '../helper.ts'
import { startAppProcess } from '../support/app-process.ts'

const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1500)
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000)

/** mulberry32: small, seeded, good enough to pick cases. */
function generator (seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  return { next, pick }
}

const METHODS = ['GET', 'GET', 'POST', 'POST', 'POST', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'PROPFIND', 'FOO', 'TRACE']
const PATHS = ['/', '/', '/value', '/end', '/memcache', '/memcache', '/memcache/clear', '/cas', '/start', '/cluster', '/cluster.json', '/readyz', '/healthz', '/favicon.ico',
  '/public/style.css', '/public/../package.json', '/public/%2e%2e/package.json', '/nope', '//', '/%', '/%E0%A4%A', '/?', '/index.ejs', '/%00', '/..%2f']
const QUERY_VALUES = ['', '0', '-1', '1', '2', '99999999999999999999', '1e309', 'NaN', '__proto__', 'constructor', '%', '%ZZ', '<script>', 'k', 'pg:x', '\u00ff', 'a'.repeat(5000), '00000000000000000000000000000000']
const QUERY_NAMES = ['page', 'notice', 'key', 'node', 'op', '__proto__', 'page[]', 'key[a]']
const CONTENT_TYPES = [undefined, 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=latin1', 'application/json', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded;;;', '*/*']
const FIELDS = ['_csrf', 'action', 'key', 'val', 'op', 'card', 'ttl', 'pairs', 'keys', 'delta', 'cas', '__proto__', 'constructor']
const FIELD_VALUES = ['', 'set', 'del', 'get', 'set_multi', 'incr', 'cas', '1', '-5', '2592001', '99999999999999999999', 'a=1\nb=2', "'x'", 'b"q', '<img src=x>', '%', '\u0000', '\ud800', 'x'.repeat(70 * 1024)]

interface Case { method: string, path: string, headers: Record<string, string>, body?: Buffer }

function makeCase (random: ReturnType<typeof generator>, session: { cookie: string, csrf: string }): Case {
  const { next, pick } = random
  if (next() < 0.3) {
    // A form a browser on this site could send, with odd values: the handlers behind the guards run.
    const fields = new URLSearchParams({ _csrf: session.csrf })
    fields.append('action', pick(['set', 'set', 'del', 'bogus', '']))
    fields.append('op', pick(['get', 'set', 'add', 'set_multi', 'get_multi', 'incr', 'decr', 'append', 'cas', 'delete_multi', 'expire', 'race', 'nope']))
    for (const name of ['key', 'val', 'ttl', 'pairs', 'keys', 'delta', 'cas', 'card']) if (next() < 0.6) fields.append(name, pick(FIELD_VALUES).slice(0, next() < 0.9 ? 300 : undefined))
    fields.append('what', pick(['console', 'keys', '', 'all']))
    return { method: 'POST', path: pick(['/', '/', '/memcache', '/memcache/clear']), headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }, body: Buffer.from(fields.toString()) }
  }
  const method = pick(METHODS)
  let path = pick(PATHS)
  if (next() < 0.6) {
    const pairs = Array.from({ length: 1 + Math.floor(next() * 3) }, () => `${pick(QUERY_NAMES)}=${encodeURIComponent(pick(QUERY_VALUES))}`)
    path += (path.includes('?') ? '&' : '?') + pairs.join('&')
  }
  const headers: Record<string, string> = {}
  const cookieCase = next()
  if (cookieCase < 0.4) headers.cookie = session.cookie
  else if (cookieCase < 0.5) headers.cookie = `uc=${pick(['', 'garbage', 'a.b.c', '%%%', '2|1:0|10:1|2:uc|4:eA==|00', 'x'.repeat(3000)])}`
  else if (cookieCase < 0.55) headers.cookie = `${session.cookie}; ${session.cookie}; __Host-uc=x`
  if (next() < 0.2) headers['sec-fetch-site'] = pick(['same-origin', 'cross-site', 'same-site', 'none', 'bogus'])
  if (next() < 0.15) headers.origin = pick(['null', 'http://evil.example', 'http://127.0.0.1'])
  if (next() < 0.1) headers['x-forwarded-for'] = pick(['1.2.3.4', 'not-an-ip', '::1, 10.0.0.1'])
  if (next() < 0.1) headers.accept = pick(['application/json', '*/*', 'text/html;q=0', ''])
  let body: Buffer | undefined
  if (method !== 'GET' && method !== 'HEAD' && next() < 0.85) {
    const type = pick(CONTENT_TYPES)
    if (type) headers['content-type'] = type
    const bodyCase = next()
    if (bodyCase < 0.15) {
      body = Buffer.from(Array.from({ length: Math.floor(next() * 2000) }, () => Math.floor(next() * 256)))
    } else if (bodyCase < 0.2) {
      body = Buffer.from(`val=${'x'.repeat(300 * 1024)}`)
    } else {
      const fields = new URLSearchParams()
      if (next() < 0.7) fields.append('_csrf', session.csrf)
      // Often a well-formed change, so that the handlers behind the guards run too.
      if (next() < 0.5) {
        fields.append('action', pick(['set', 'set', 'del', 'get', 'incr', 'set_multi']))
        fields.append(pick(['key', 'key', 'op']), pick(FIELD_VALUES).slice(0, 300))
        fields.append(pick(['val', 'val', 'pairs', 'delta']), pick(FIELD_VALUES))
      }
      for (let i = Math.floor(next() * 5); i > 0; i--) fields.append(pick(FIELDS), pick(FIELD_VALUES))
      body = Buffer.from(next() < 0.1 ? fields.toString().replace(/=/g, '%') : fields.toString())
    }
  }
  return { method, path, headers, body }
}

function send (base: URL, c: Case): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: base.hostname, port: base.port, method: c.method, path: c.path, headers: c.headers }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode!))
    })
    req.once('error', reject)
    req.end(c.body)
  })
}

test(`fuzz: ${REQUESTS} odd requests at every route, no 5xx`, async (t) => {
  const cluster = await startCluster(t)
  const app = await startAppProcess(t, cluster, { NODE_ENV: 'production', PLAYGROUND_KEYS_PER_MINUTE: '0' })
  const base = new URL(app.url)
  const first = await fetch(app.url)
  const session = { cookie: first.headers.getSetCookie()[0]!.split(';')[0]!, csrf: /name="_csrf" value="([^"]+)"/.exec(await first.text())![1]! }
  t.diagnostic(`seed ${SEED} (FUZZ_SEED=${SEED} replays it)`)
  const random = generator(SEED)
  const cases = Array.from({ length: REQUESTS }, () => makeCase(random, session))
  const statuses = new Map<number, number>()
  const failures: string[] = []
  let next = 0
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < cases.length) {
      const c = cases[next++]!
      let status: number
      try {
        status = await send(base, c)
      } catch (error) {
        // The server may close a connection it refused at the parser (400/431 written first).
        status = -1
        if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') failures.push(`${c.method} ${c.path.slice(0, 80)}: ${(error as Error).message}`)
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
      if (status >= 500) failures.push(`${status} for ${c.method} ${c.path.slice(0, 80)} ${JSON.stringify(c.headers).slice(0, 200)} body ${c.body?.length ?? 0} bytes`)
    }
  }))
  t.diagnostic(`answers: ${[...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${n} × ${s}`).join(', ')}`)
  assert.deepEqual(failures, [])
  // Still up, and still serving sessions.
  assert.equal((await fetch(`${app.url}readyz`)).status, 200)
  assert.equal((await fetch(app.url, { headers: { cookie: session.cookie } })).status, 200)
  assert.doesNotMatch(app.output(), /"level":50/, 'no error was logged')
})
