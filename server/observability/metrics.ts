// The app's Prometheus metrics (prom-client), built from what the client and the session layer
// publish on node:diagnostics_channel (packages/client/src/diagnostics.ts,
// packages/fastify/src/diagnostics.ts) and from the nodes' health (node-health.ts), read at
// scrape time. Labels are bounded sets chosen here: a route's pattern, a node's address, a
// command's name, an outcome's code; never a URL, a key, a session id or a value (the channels
// carry none). One registry per app, not prom-client's global one: several apps in one process
// (the tests) each count their own HTTP and memcached traffic; the session counters count every
// session store of the process (their messages name the store, which the app does not expose).
// What each metric means: README, "Metrics".
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client'
import { FastCounter, FastHistogram } from './fast-metrics.ts'
import type { TrafficWindow } from './node-traffic.ts'
import type { MemcacheClient } from '@memcache-session/client'
import { nodeHealth } from './node-health.ts'

/** The memcached clients whose commands are counted, each under a pool's name. */
export interface MetricsSources {
  pools: ReadonlyArray<{ name: string, client: MemcacheClient }>
  /** The clients whose node health is reported (memcached_node_up) and whose nodes' down and up are counted, one per pool. */
  healthPools: ReadonlyArray<{ name: string, client: MemcacheClient }>
  /** Session copies kept (1 or 2). */
  sessionCopies: number
  /** Fed each round trip too (one subscriber for both: a publish calls each subscriber in turn). */
  traffic?: TrafficWindow
}

export interface AppMetrics {
  readonly registry: Registry
  /** The exposition a scrape answers: the process's metrics, then the app's. */
  scrape (): Promise<string>
  /** One HTTP request answered: its method, route pattern ('unmatched' for a 404), status and duration. */
  observeRequest (method: string, route: string, statusCode: number, seconds: number): void
  /** Ends every subscription. */
  close (): void
}

const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/** memcached answers in tens of microseconds on a LAN; a deadline is 500 ms by default. */
const COMMAND_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]

interface CommandEnd { client: object, command: string, node: string, outcome: string, durationMs: number, valueBytes: number }
interface Retry { client: object, command: string, node: string, reason: string }
interface NodeTransition { client: object, node: string }

/**
 * prom-client's process metrics (CPU, memory, event loop delay, GC), in a registry of their own,
 * made once per process: they describe the process, whatever the number of apps in it, and
 * prom-client has no way to stop their observers, which one per app would pile up.
 */
let processRegistry: Registry | null = null
function processMetrics (): Registry {
  if (!processRegistry) {
    processRegistry = new Registry()
    collectDefaultMetrics({ register: processRegistry })
  }
  return processRegistry
}

export function createMetrics ({ pools, healthPools, sessionCopies, traffic }: MetricsSources): AppMetrics {
  const registry = new Registry()
  const perProcess = processMetrics()
  const registers = [registry]
  const poolOf = new Map<object, string>(pools.map(({ name, client }) => [client, name]))

  const http = new FastHistogram({ name: 'http_request_duration_seconds', help: 'HTTP requests by method, route pattern and status, from the request\'s arrival to its answer.', labelNames: ['method', 'route', 'status_code'], buckets: HTTP_BUCKETS, registers })
  const commands = new FastHistogram({ name: 'memcached_command_duration_seconds', help: 'Round trips to a memcached node by pool, node, command and outcome (ok, or the error\'s code).', labelNames: ['pool', 'node', 'command', 'outcome'], buckets: COMMAND_BUCKETS, registers })
  const valueBytes = new FastCounter({ name: 'memcached_value_bytes_total', help: 'Bytes of values sent to and received from memcached (keys and framing excluded).', labelNames: ['pool', 'node', 'command'], registers })
  const retries = new FastCounter({ name: 'memcached_retries_total', help: 'Commands sent again to another node after a failure, by the failure\'s code.', labelNames: ['pool', 'node', 'command', 'reason'], registers })
  new Gauge({ // eslint-disable-line no-new -- registered, and read at scrape time through collect
    name: 'memcached_node_up',
    help: '1 while the client routes to the node, 0 from a failure until it answers again.',
    labelNames: ['pool', 'node'],
    registers,
    collect () {
      for (const { name, client } of healthPools) for (const node of nodeHealth(client)) this.set({ pool: name, node: node.node }, node.up ? 1 : 0)
    }
  })
  new Gauge({ // eslint-disable-line no-new -- as above
    name: 'memcached_node_down_since_timestamp_seconds',
    help: 'When a node that is down now went down (Unix seconds); absent for nodes that are up.',
    labelNames: ['pool', 'node'],
    registers,
    collect () {
      this.reset()
      for (const { name, client } of healthPools) for (const node of nodeHealth(client)) if (node.downSince !== null) this.set({ pool: name, node: node.node }, node.downSince / 1000)
    }
  })

  // A node's transitions, counted from each pool's health client only: the one memcached_node_up
  // reads and the heartbeat keeps. The pool's other clients (the playground's second terminal)
  // see the same node fall and come back on their own and are not counted again, so one increment
  // is one transition of the pool's view, and down minus up is 1 - memcached_node_up for each node.
  // Every series starts at 0: increase() reads a series' first sample as its start, not a rise.
  const healthOf = new Map<object, string>(healthPools.map(({ name, client }) => [client, name]))
  const nodeDowns = new FastCounter({ name: 'memcached_node_down_total', help: 'Times the pool took the node out of routing after a failure (refused, closed, no answer within the deadline), once per pool.', labelNames: ['pool', 'node'], registers })
  const nodeUps = new FastCounter({ name: 'memcached_node_up_total', help: 'Times a node that was down answered again (a probe or a request) and was routed to again, once per pool.', labelNames: ['pool', 'node'], registers })
  for (const { name, client } of healthPools) {
    for (const node of client.nodes) {
      nodeDowns.series(name, node.label)
      nodeUps.series(name, node.label)
    }
  }

  const opens = new FastCounter({ name: 'session_opens_total', help: 'Sessions opened by requests: loaded, issued (lazy, not stored yet), new, or lost (the cookie named a session that is no more), with why.', labelNames: ['outcome', 'reason'], registers })
  const reads = new FastCounter({ name: 'session_reads_total', help: 'Page views\' reads of a stored session: found, missing or ended.', labelNames: ['result'], registers })
  const oneCopy = new FastCounter({ name: 'session_reads_one_copy_total', help: 'Reads that found the session on fewer copies than are kept (one of two): its other copy was missing, behind or unreachable.', registers })
  const writes = new FastCounter({ name: 'session_writes_total', help: 'Session changes stored: created (the record\'s first store) or updated.', labelNames: ['kind'], registers })
  const writeFailures = new FastCounter({ name: 'session_write_failures_total', help: 'Session changes not stored: conflict (gave up after every CAS attempt), gone (ended or expired meanwhile), or the error\'s code.', labelNames: ['reason'], registers })
  const conflicts = new FastCounter({ name: 'session_cas_conflicts_total', help: 'Compare-and-swap rounds a session write lost on some copy (then re-read and re-applied).', registers })
  const repairs = new FastCounter({ name: 'session_repairs_total', help: 'Copies rewritten: lagging (behind the other copy after a read) or moved (found along the route chain and brought home), by outcome.', labelNames: ['kind', 'outcome'], registers })
  const ends = new FastCounter({ name: 'session_ends_total', help: 'Sessions ended: end (logout, regenerate) or max-age.', labelNames: ['reason'], registers })
  new Gauge({ name: 'session_copies', help: 'Copies kept of each session record (SESSION_REPLICAS + 1).', registers }).set(sessionCopies)

  const subscriptions: Array<[string, (message: unknown) => void]> = [
    ['memcache-session:command:end', (message) => {
      const m = message as CommandEnd
      const pool = poolOf.get(m.client)
      if (pool === undefined) return
      commands.series(pool, m.node, m.command, m.outcome).observe(m.durationMs / 1000)
      if (m.valueBytes > 0) valueBytes.series(pool, m.node, m.command).inc(m.valueBytes)
      traffic?.record(m.client, m.node, m.durationMs)
    }],
    ['memcache-session:retry', (message) => {
      const m = message as Retry
      const pool = poolOf.get(m.client)
      if (pool !== undefined) retries.series(pool, m.node, m.command, m.reason).inc()
    }],
    ['memcache-session:node:down', (message) => {
      const m = message as NodeTransition
      const pool = healthOf.get(m.client)
      if (pool !== undefined) nodeDowns.series(pool, m.node).inc()
    }],
    ['memcache-session:node:up', (message) => {
      const m = message as NodeTransition
      const pool = healthOf.get(m.client)
      if (pool !== undefined) nodeUps.series(pool, m.node).inc()
    }],
    ['memcache-session:session:open', (message) => {
      const m = message as { outcome: string, reason: string | null }
      opens.series(m.outcome, m.reason ?? '').inc()
    }],
    ['memcache-session:session:read', (message) => {
      const m = message as { result: string, copies: number, wanted: number }
      reads.series(m.result).inc()
      if (m.result === 'found' && m.copies < m.wanted) oneCopy.series().inc()
    }],
    ['memcache-session:session:write', (message) => { writes.series((message as { created: boolean }).created ? 'created' : 'updated').inc() }],
    ['memcache-session:session:write-failed', (message) => { writeFailures.series((message as { reason: string }).reason).inc() }],
    ['memcache-session:session:conflict', () => { conflicts.series().inc() }],
    ['memcache-session:session:repair', (message) => {
      const m = message as { kind: string, outcome: string }
      repairs.series(m.kind, m.outcome).inc()
    }],
    ['memcache-session:session:end', (message) => { ends.series((message as { reason: string }).reason).inc() }]
  ]
  for (const [name, listener] of subscriptions) subscribe(name, listener)

  return {
    registry,
    async scrape () {
      return `${await perProcess.metrics()}\n${await registry.metrics()}`
    },
    observeRequest (method, route, statusCode, seconds) {
      http.series(method, route, String(statusCode)).observe(seconds)
    },
    close () {
      for (const [name, listener] of subscriptions) unsubscribe(name, listener)
    }
  }
}
