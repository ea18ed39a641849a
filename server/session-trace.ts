// The session page's story of its own view: which memcached commands this request sent (command,
// node, answer, bytes), how the session opened (loaded, lazy, lost and why), and what the read
// found (copies, nodes that did not answer). Nothing new is measured: the client and the session
// layer already publish all of it on node:diagnostics_channel (their diagnostics.ts files); a
// GET / runs inside an AsyncLocalStorage scope, so only its own messages are kept, and the page
// (views/partials/session-story.ejs, through reply.locals.story) reads them when it renders.
// Like the channels, a trace holds no session id, key or value.
import { AsyncLocalStorage } from 'node:async_hooks'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import fp from 'fastify-plugin'
import { MESSAGES } from './i18n/messages.ts'
import type { FastifyInstance } from 'fastify'
import type { CommandEndMessage } from '@memcache-session/client'
import { sessionStory } from './session-story.ts'
import { addRouteOnRequest } from './route-hooks.ts'

export interface TracedCommand {
  command: string
  /** host:port */
  node: string
  /** 'ok', or the failure's code (MC_ERR_TIMEOUT, MC_ERR_CONNECTION...). */
  outcome: string
  /** Bytes of values sent or received (0 for a read that found nothing). */
  valueBytes: number
}

export interface SessionTrace {
  /** When the request began, ms since the epoch. */
  at: number
  commands: TracedCommand[]
  /** How the session opened: loaded, issued (lazy, nothing stored), new, lost; and why. */
  open: { outcome: string, reason: string | null } | null
  /** What the read found: 'found' | 'missing' | 'ended', how many copies hold the current record, how many nodes did not answer. */
  read: { result: string, copies: number, wanted: number, unreachable: number } | null
  /** The session's creation (seconds since the epoch), for its absolute end; null before it opened. */
  createdAt: number | null
  /** Whether the session is stored (false for a lazy one: nothing written yet). */
  stored: boolean
}

/** Commands kept for one view: a page view sends one or two; a retried or repaired one a few more. */
const MAX_TRACED_COMMANDS = 16

const traces = new AsyncLocalStorage<SessionTrace>()

const CHANNELS = {
  'memcache-session:command:end': (trace: SessionTrace, message: unknown) => {
    const { command, node, outcome, valueBytes } = message as CommandEndMessage
    if (trace.commands.length < MAX_TRACED_COMMANDS) trace.commands.push({ command, node, outcome, valueBytes })
  },
  'memcache-session:session:open': (trace: SessionTrace, message: unknown) => {
    const { outcome, reason } = message as { outcome: string, reason: string | null }
    trace.open ??= { outcome, reason }
  },
  'memcache-session:session:read': (trace: SessionTrace, message: unknown) => {
    const { result, copies, wanted, unreachable } = message as NonNullable<SessionTrace['read']>
    trace.read ??= { result, copies, wanted, unreachable }
  }
} as const

async function sessionTracePlugin (app: FastifyInstance) {
  const listeners = Object.entries(CHANNELS).map(([name, record]) => {
    const listener = (message: unknown) => {
      const trace = traces.getStore()
      if (trace) record(trace, message)
    }
    subscribe(name, listener)
    return [name, listener] as const
  })
  app.addHook('onClose', async function unsubscribeTrace () {
    for (const [name, listener] of listeners) unsubscribe(name, listener)
  })

  const context = { nodes: app.memcache.nodes.map((n) => n.label), ttlSeconds: app.config.sessionTtlSeconds, maxAgeSeconds: app.config.sessionMaxAgeSeconds, maxSessionBytes: app.sessions.limits.maxSessionBytes }
  // Only the session page's own view is traced (its POST redirects to it): a hook of that route's
  // own, bound when it is added, so no other request pays for a look at its route.
  app.addHook('onRoute', function traceSessionPage (route) {
    if (route.method !== 'GET' || route.url !== '/') return
    addRouteOnRequest(route, function traceSessionView (request, reply, done) {
      const trace: SessionTrace = { at: Date.now(), commands: [], open: null, read: null, createdAt: null, stored: false }
      // A function, so that the page reads the trace when it renders, after the view's commands.
      const story = () => sessionStory(trace, { ...context, stored: trace.stored, words: MESSAGES[request.language].story })
      reply.locals = { ...(reply.locals ?? {}), story }
      traces.run(trace, done)
    })
  })
}

/**
 * The opened session's creation time (for its absolute end) and whether it is stored, in the
 * trace of the view that opened it; nothing outside a traced view. The session page's route calls
 * it with the session it opened: no command, no hook of its own.
 */
export function traceOpenedSession (session: { createdAt: number, stored: boolean }): void {
  const trace = traces.getStore()
  if (!trace) return
  trace.createdAt = session.createdAt
  trace.stored = session.stored
}

export default fp(sessionTracePlugin, { name: 'session-trace', dependencies: ['views', 'memcache'] })
