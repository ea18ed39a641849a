// A span per request when traces are on (observability/tracing.ts says when): named by the
// route's pattern (`GET /value`, never the URL: a query may carry a session key's name), child of
// the caller's span when a `traceparent` came with the request, and active for the whole
// request, so that the memcached round trips it makes become its children. Registered first, so
// that its onRequest hook runs before every other.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import { traceCommands, TRACER_NAME } from '../observability/tracing.ts'

async function tracingPlugin (app: FastifyInstance) {
  const tracer = trace.getTracer(TRACER_NAME)
  const spans = new WeakMap<FastifyRequest, Span>()

  // A callback hook whose `done` runs inside the span's context: the rest of the request does too.
  app.addHook('onRequest', function startRequestSpan (request: FastifyRequest, reply: FastifyReply, done: () => void) {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers)
    const route = request.routeOptions.url ?? 'unmatched'
    const span = tracer.startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': request.method, 'http.route': route }
    }, parent)
    spans.set(request, span)
    context.with(trace.setSpan(parent, span), done)
  })
  app.addHook('onResponse', function endRequestSpan (request: FastifyRequest, reply: FastifyReply, done: () => void) {
    const span = spans.get(request)
    if (span) {
      span.setAttribute('http.response.status_code', reply.statusCode)
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
      span.end()
    }
    done()
  })

  // The clients are made by plugins registered after this one: followed once the app is ready.
  let stop = () => {}
  app.addHook('onReady', async function traceMemcachedCommands () {
    const pg = app.playgroundPool
    const pools = [{ name: 'sessions', client: app.memcache }]
    if (pg) pools.push({ name: 'playground', client: pg.a }, { name: 'playground', client: pg.b })
    stop = traceCommands(pools, tracer)
  })
  app.addHook('onClose', async function stopTracingCommands () { stop() })
}

export default fp(tracingPlugin, { name: 'tracing' })
