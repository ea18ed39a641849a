// OpenTelemetry traces from a real app process (server/main.ts, with @opentelemetry/sdk-node and
// OTEL_* as an operator sets them) over four real memcached nodes, exported over OTLP/HTTP (JSON)
// to a receiver in this test: a span per request with a child per memcached round trip, naming
// the node and the command; a caller's traceparent is continued; no session id anywhere in what
// was exported. And without OTEL_*, no traces at all.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { eventually, startCluster } from '../helper.ts'
import { HttpVisitor, startAppProcess } from '../support/app-process.ts'
import { tracingWanted } from '../../server/observability/tracing.ts'

interface OtlpSpan { traceId: string, spanId: string, parentSpanId?: string, name: string, kind: number, attributes: Array<{ key: string, value: { stringValue?: string, intValue?: string | number } }> }

/** An OTLP/HTTP receiver: every body posted to /v1/traces, raw and as spans. */
async function otlpReceiver (t: { after: (fn: () => unknown) => void }) {
  const bodies: string[] = []
  const server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => { body += chunk.toString() })
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(body)
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => server.close())
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    bodies,
    spans: (): OtlpSpan[] => bodies.flatMap((body) => (JSON.parse(body) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> })
      .resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)))
  }
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue))
}

test('a span per request, a child per memcached round trip with its node and command; the caller\'s trace continued; no session id exported', async (t) => {
  const cluster = await startCluster(t)
  const receiver = await otlpReceiver(t)
  const app = await startAppProcess(t, cluster, {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_SERVICE_NAME: 'memcache-session-test'
  })
  const visitor = new HttpVisitor()
  assert.equal(await visitor.set(app, 'k', 'v'), 303)
  // A page view under a caller's trace.
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  const response = await fetch(app.url, { headers: { cookie: visitor.cookie!, traceparent: `00-${traceId}-00f067aa0ba902b7-01` } })
  assert.equal(response.status, 200)
  await response.text()

  let page: OtlpSpan | undefined
  await eventually(() => {
    page = receiver.spans().find((s) => s.name === 'GET /' && s.traceId === traceId)
    return page !== undefined && receiver.spans().filter((s) => s.parentSpanId === page!.spanId).length >= 2
  }, 10_000)
  assert.equal(page!.parentSpanId, '00f067aa0ba902b7')
  assert.equal(page!.kind, 2) // SERVER
  assert.equal(attribute(page!, 'http.route'), '/')
  assert.equal(attribute(page!, 'http.response.status_code'), 200)
  assert.equal(attribute(page!, 'memcache_session.session.open'), 'loaded')

  // Its session read: a get-and-touch on each of the two copies, children of the page's span.
  const reads = receiver.spans().filter((s) => s.parentSpanId === page!.spanId)
  assert.deepEqual(reads.map((s) => s.name), ['memcached gat', 'memcached gat'])
  const ports = new Set(cluster.servers.map((s) => s.port))
  for (const read of reads) {
    assert.equal(read.traceId, traceId)
    assert.equal(read.kind, 3) // CLIENT
    assert.equal(attribute(read, 'db.system.name'), 'memcached')
    assert.equal(attribute(read, 'db.operation.name'), 'gat')
    assert.equal(attribute(read, 'server.address'), '127.0.0.1')
    assert.ok(ports.has(attribute(read, 'server.port') as number))
    assert.equal(attribute(read, 'memcache_session.outcome'), 'ok')
  }
  assert.notEqual(attribute(reads[0]!, 'server.port'), attribute(reads[1]!, 'server.port'))

  // The POST: its own trace, with its round trips: the lazy id looked for on both copies, then
  // the first store (add) on both.
  const post = receiver.spans().find((s) => s.name === 'POST /')!
  assert.ok(post)
  assert.notEqual(post.traceId, traceId)
  assert.deepEqual(receiver.spans().filter((s) => s.parentSpanId === post.spanId).map((s) => s.name).sort(), ['memcached add', 'memcached add', 'memcached gat', 'memcached gat'])

  const exported = receiver.bodies.join('\n')
  t.diagnostic(`spans: ${receiver.spans().map((s) => `${s.name}${s.parentSpanId ? ` (child of ${s.parentSpanId.slice(0, 6)})` : ''}`).join(', ')}`)
  const described = (span: OtlpSpan) => `${span.name} {${span.attributes.map((a) => `${a.key}=${attribute(span, a.key)}`).join(', ')}}`
  t.diagnostic(`the page view's spans: ${described(page!)}; ${reads.map(described).join('; ')}`)
  assert.ok(!exported.includes(visitor.sessionId!), 'a session id in a span')
  assert.ok(!exported.includes(visitor.cookie!.slice(3, 23)), 'a cookie in a span')
})

test('traces only when OTEL_* asks for them, as the SDK reads it', () => {
  assert.equal(tracingWanted({}), false)
  assert.equal(tracingWanted({ OTEL_SERVICE_NAME: 'x' }), false)
  assert.equal(tracingWanted({ OTEL_TRACES_EXPORTER: 'none' }), false)
  assert.equal(tracingWanted({ OTEL_TRACES_EXPORTER: 'otlp' }), true)
  assert.equal(tracingWanted({ OTEL_TRACES_EXPORTER: 'console' }), true)
  assert.equal(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }), true)
  assert.equal(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }), false)
})
