// The instrumentation's own cost per page view, measured in one process (bench/instrumentation-cost.ts
// runs it after the two app processes): what a page view makes the metrics do, with the metrics
// subscribed and without, in alternating blocks, by this process's CPU time (process.cpuUsage).
// A page view's instrumentation: its session read (two `gat` round trips over real memcached,
// with their command start/end messages), the session layer's read and open messages, and the
// HTTP observation. Two processes side by side disagree by a few percent even when both run
// the same code (the machine is shared); one process toggling its subscribers does not.
import { MemcacheClient, type NodeAddress } from '@memcache-session/client'
import { DEFAULT_LIMITS, newSessionId, openChannel, SessionStore } from '@memcache-session/fastify'
import { createMetrics } from '../server/observability/metrics.ts'
import { trafficWindow } from '../server/observability/node-traffic.ts'

export interface PathCost {
  /** CPU per page view's instrumented path (µs), with the metrics on and off (medians of the blocks). */
  onUs: number
  offUs: number
  blocks: number
  viewsPerBlock: number
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

export async function measurePath (servers: NodeAddress[], { blocks = 20, viewsPerBlock = 2000, sessions = 256 } = {}): Promise<PathCost> {
  const client = new MemcacheClient({ servers })
  const store = new SessionStore(client, { ttlSeconds: 1200, limits: DEFAULT_LIMITS })
  const ids: string[] = []
  for (let i = 0; i < sessions; i++) {
    const id = newSessionId()
    await store.create(id, new Map([['name', 'bench']]))
    ids.push(id)
  }
  const pools = [{ name: 'sessions', client }]

  async function block (on: boolean): Promise<number> {
    const metrics = on ? createMetrics({ pools, healthPools: pools, sessionCopies: 2, traffic: trafficWindow(pools) }) : null
    const before = process.cpuUsage()
    for (let i = 0; i < viewsPerBlock; i++) {
      // What a page view does that publishes: the read, the open, the answer.
      await store.load(ids[i % ids.length]!)
      if (openChannel.hasSubscribers) openChannel.publish({ store, outcome: 'loaded', reason: null })
      metrics?.observeRequest('GET', '/', 200, 0.001)
    }
    const used = process.cpuUsage(before)
    metrics?.close()
    return (used.user + used.system) / viewsPerBlock
  }

  await block(true)
  await block(false) // warm-up, both ways
  const on: number[] = []
  const off: number[] = []
  for (let i = 0; i < blocks; i++) {
    // ABBA: neither always runs first.
    for (const which of i % 2 ? [true, false] : [false, true]) (which ? on : off).push(await block(which))
  }
  client.close()
  return { onUs: median(on), offUs: median(off), blocks, viewsPerBlock }
}
