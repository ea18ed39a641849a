// OpenTelemetry traces, opt-in: only when the environment asks for them the way the SDK reads it
// (OTEL_TRACES_EXPORTER other than none, or an OTLP endpoint; never with OTEL_SDK_DISABLED=true).
// Then @opentelemetry/sdk-node starts with what OTEL_* says (exporter, endpoint, headers,
// sampler, batching, service name, resource attributes) before the app is built; no
// instrumentation patches any module: the spans are made here, from Fastify's hooks (a span per
// request, plugins/tracing.ts) and from the client's diagnostics channel (a child span per
// memcached round trip, with the node and the command, never the key). Metrics stay Prometheus's
// (/metrics) and logs pino's: the SDK exports neither.
//
// The SDK is not a dependency of the app (about 40 MB, 33 packages, for those who trace): install
// it beside the app (`npm install @opentelemetry/sdk-node`); without it, a request for traces is
// said at start and the app runs untraced.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api'

export const TRACER_NAME = 'memcache-session'

type Env = Record<string, string | undefined>

/** Whether OTEL_* asks for traces. */
export function tracingWanted (env: Env = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false
  const exporters = env.OTEL_TRACES_EXPORTER?.trim()
  if (exporters) return exporters.split(',').some((e) => e.trim() !== 'none' && e.trim() !== '')
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim())
}

export interface Tracing {
  /** Flushes the spans still buffered, then stops the SDK. */
  shutdown (): Promise<void>
}

/** Starts the SDK when OTEL_* asks for traces; null when it does not, or when the SDK is not installed (`warn` says so). */
export async function startTracing (warn: (message: string) => void, env: Env = process.env): Promise<Tracing | null> {
  if (!tracingWanted(env)) return null
  let sdkModule: typeof import('@opentelemetry/sdk-node')
  try {
    sdkModule = await import('@opentelemetry/sdk-node')
  } catch {
    warn('OTEL_* asks for traces, but @opentelemetry/sdk-node is not installed: running untraced (npm install @opentelemetry/sdk-node)')
    return null
  }
  const sdk = new sdkModule.NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME?.trim() ? undefined : 'memcache-session',
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: []
  })
  sdk.start()
  return { shutdown: () => sdk.shutdown() }
}

interface CommandEnd { client: object, command: string, node: string, outcome: string, durationMs: number }

/**
 * A child span per memcached round trip of `pools`' clients, under the span active where the
 * command was sent (the request's): made when the round trip ends, back-dated by its duration, so
 * no start has to be matched with its end. Round trips outside any request (the heartbeat
 * sends none through the channel) make no span.
 */
export function traceCommands (pools: ReadonlyArray<{ name: string, client: object }>, tracer: Tracer = trace.getTracer(TRACER_NAME)): () => void {
  const poolOf = new Map<object, string>(pools.map(({ name, client }) => [client, name]))
  function onEnd (message: unknown) {
    const m = message as CommandEnd
    const pool = poolOf.get(m.client)
    const active = context.active()
    if (pool === undefined || !trace.getSpan(active)) return
    const colon = m.node.lastIndexOf(':')
    const span = tracer.startSpan(`memcached ${m.command}`, {
      kind: SpanKind.CLIENT,
      startTime: Date.now() - m.durationMs,
      attributes: {
        'db.system.name': 'memcached',
        'db.operation.name': m.command,
        'server.address': m.node.slice(0, colon).replace(/^\[|\]$/g, ''),
        'server.port': Number(m.node.slice(colon + 1)),
        'memcache_session.pool': pool,
        'memcache_session.outcome': m.outcome
      }
    }, active)
    if (m.outcome !== 'ok') span.setStatus({ code: SpanStatusCode.ERROR, message: m.outcome })
    span.end()
  }
  // The session layer's events, as events of the request's span (what happened, never which session).
  function onOpen (message: unknown) {
    const m = message as { outcome: string, reason: string | null }
    trace.getActiveSpan()?.setAttributes({ 'memcache_session.session.open': m.outcome, ...(m.reason ? { 'memcache_session.session.reason': m.reason } : {}) })
  }
  function onConflict (message: unknown) {
    trace.getActiveSpan()?.addEvent('session CAS conflict', { attempt: (message as { attempt: number }).attempt })
  }
  const subscriptions: Array<[string, (message: unknown) => void]> = [
    ['memcache-session:command:end', onEnd],
    ['memcache-session:session:open', onOpen],
    ['memcache-session:session:conflict', onConflict]
  ]
  for (const [name, listener] of subscriptions) subscribe(name, listener)
  return () => { for (const [name, listener] of subscriptions) unsubscribe(name, listener) }
}
