// Measuring one app: throughput and latency with autocannon, memcached commands per request from
// memcached's own stats, and the server's memory from /proc.
import autocannon from 'autocannon'
import { readFileSync } from 'node:fs'
import type { MemcacheClient } from '../server/memcache/client.ts'

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

const COUNTERS = ['cmd_get', 'cmd_set', 'cmd_touch', 'delete_hits', 'delete_misses', 'incr_hits', 'incr_misses', 'decr_hits', 'decr_misses']

export async function commandTotal (client: MemcacheClient): Promise<number> {
  let total = 0
  for (let i = 0; i < client.nodes.length; i++) {
    const stats = await client.stats(i)
    for (const c of COUNTERS) total += Number(stats[c] ?? 0)
  }
  return total
}

/** Resident memory of a process, now and at its peak, in MB. */
export function memory (pid: number): { rss: number, peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1])
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 }
}
