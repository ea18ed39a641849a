// Measuring one app: throughput and latency with autocannon, memcached commands per request from
// memcached's own stats, and the server's memory from /proc.
import autocannon from 'autocannon'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { MemcacheClient } from '@memcache-session/client'
import { csrfToken } from '../test/helper.ts'

/** wrk (C, one thread) takes far less of the two shared cores than autocannon; used when installed. */
export const WRK = ['/usr/bin/wrk', '/usr/local/bin/wrk'].find((p) => existsSync(p)) ?? null
const run = promisify(execFile)

export interface Visitor {
  cookie: string
  csrf?: string
}

export interface LoadResult {
  rps: number
  p50: number
  p99: number
  requests: number
  unexpected: number
}

/**
 * A visitor whose session holds `fields`, set through the form: ours hands out its cookie and
 * CSRF token with the page, the floor and the peers their cookie on the first write.
 */
export async function visitorWith (url: string, fields: ReadonlyArray<readonly [string, string]> = [['name', 'bench']]): Promise<Visitor> {
  const page = await fetch(url)
  const visitor: Visitor = { cookie: page.headers.getSetCookie()[0]?.split(';')[0] ?? '', csrf: csrfToken(await page.text(), { optional: true }) ?? '' }
  for (const [key, val] of fields) {
    const posted = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(visitor.cookie ? { cookie: visitor.cookie } : {}) },
      body: new URLSearchParams({ _csrf: visitor.csrf ?? '', action: 'set', key, val })
    })
    await posted.arrayBuffer()
    if (posted.status !== 303) throw new Error(`${url}: setting ${key} answered ${posted.status}`)
    visitor.cookie = posted.headers.getSetCookie()[0]?.split(';')[0] ?? visitor.cookie
  }
  return visitor
}

/** A request for GET / or POST / (setting a fresh value), cycling over the visitors' sessions. */
function requestFor (route: 'GET' | 'POST', visitors: Visitor[]) {
  let next = 0
  let counter = 0
  return {
    method: route,
    path: '/',
    setupRequest (request: { headers?: Record<string, string>, body?: string, method?: string }) {
      const visitor = visitors[next++ % visitors.length]!
      request.headers = { ...request.headers, cookie: visitor.cookie }
      if (route === 'POST') {
        request.headers['content-type'] = 'application/x-www-form-urlencoded'
        const fields = new URLSearchParams({ action: 'set', key: 'counter', val: String(counter++) })
        if (visitor.csrf) fields.set('_csrf', visitor.csrf)
        request.body = fields.toString()
      }
      return request
    }
  }
}

export async function load (url: string, route: 'GET' | 'POST', visitors: Visitor[], options: { duration?: number, amount?: number, connections?: number }): Promise<LoadResult> {
  if (WRK && !options.amount) return loadWithWrk(url, route, visitors, options.duration ?? 5, options.connections ?? 32)
  const result = await autocannon({
    url,
    connections: options.connections ?? 32,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? 5 }),
    requests: [requestFor(route, visitors) as never]
  })
  const expected = route === 'GET' ? result['2xx'] : result['3xx']
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    unexpected: result.requests.total - expected + result.errors + result.timeouts
  }
}

/** The same requests as requestFor, as a wrk Lua script; `done` prints the figures as JSON. */
function wrkScript (route: 'GET' | 'POST', visitors: Visitor[]): string {
  const list = visitors.map((v) => `{${JSON.stringify(v.cookie)}, ${JSON.stringify(v.csrf ?? '')}}`).join(',\n')
  return `
local visitors = {${list}}
local next, counter = 0, 0
request = function()
  local v = visitors[(next % #visitors) + 1]
  next = next + 1
  local headers = { ["Cookie"] = v[1] }
  if "${route}" == "GET" then return wrk.format("GET", "/", headers) end
  counter = counter + 1
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local body = "action=set&key=counter&val=" .. counter
  if v[2] ~= "" then body = body .. "&_csrf=" .. v[2]:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end) end
  return wrk.format("POST", "/", headers, body)
end
done = function(summary, latency, requests)
  io.write(string.format('{"requests":%d,"seconds":%f,"p50":%f,"p99":%f,"status":%d,"errors":%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
`
}

async function loadWithWrk (url: string, route: 'GET' | 'POST', visitors: Visitor[], seconds: number, connections: number): Promise<LoadResult> {
  const script = join(mkdtempSync(join(tmpdir(), 'bench-')), 'load.lua')
  writeFileSync(script, wrkScript(route, visitors))
  const { stdout, stderr } = await run(WRK!, ['-t1', `-c${connections}`, `-d${seconds}s`, '-s', script, url])
  const line = /^\{"requests".*$/m.exec(stdout)
  if (!line) throw new Error(`wrk printed no figures:\n${stdout}${stderr}`)
  const r = JSON.parse(line[0])
  return { rps: r.requests / r.seconds, p50: Number(r.p50.toFixed(2)), p99: Number(r.p99.toFixed(2)), requests: r.requests, unexpected: r.status + r.errors }
}

const COUNTERS = ['cmd_get', 'cmd_set', 'cmd_touch', 'delete_hits', 'delete_misses', 'incr_hits', 'incr_misses', 'decr_hits', 'decr_misses']

export async function commandTotal (client: MemcacheClient): Promise<number> {
  let total = 0
  for (let i = 0; i < client.nodes.length; i++) {
    const stats = await client.stats(i)
    for (const c of COUNTERS) total += Number(stats[c] ?? 0)
  }
  return total
}

const CLOCK_TICKS = 100 // USER_HZ on Linux

/** CPU seconds a process has used (user + system), from /proc: steadier than req/s on a shared machine. */
export function cpuSeconds (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

/** Resident memory of a process, now and at its peak, in MB. */
export function memory (pid: number): { rss: number, peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1])
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}
