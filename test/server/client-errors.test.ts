// Slow clients and requests Fastify or Node's HTTP parser refuse before any route runs: each gets
// the app's own error page with the security headers, and a slow client is cut off at the deadline.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { connect, type AddressInfo, type Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, startCluster } from '../helper.ts'

async function listening (app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  return (app.server.address() as AddressInfo).port
}

/** A raw connection that collects everything the server sends until it closes the socket. */
async function rawConnection (port: number): Promise<{ socket: Socket, closed: Promise<string> }> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  let received = ''
  socket.on('data', (chunk: Buffer) => { received += chunk.toString('utf8') })
  socket.on('error', () => {}) // a reset or EPIPE after the answer is part of being cut off
  // Not events.once: it rejects on that 'error'; the close after it is what counts.
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)))
  return { socket, closed }
}

function assertErrorPage (response: string, status: number, heading: RegExp) {
  const [head = '', body = ''] = response.split('\r\n\r\n', 2)
  assert.match(head, new RegExp(`^HTTP/1.1 ${status} `))
  assert.match(head, /content-type: text\/html/i)
  assert.match(head, /content-security-policy: default-src 'self'/i)
  assert.match(head, /x-content-type-options: nosniff/i)
  assert.match(body, /<!DOCTYPE html>/)
  assert.match(body, heading)
}

test('a POST body trickled a byte at a time is cut off at the request timeout with a 408 page', async (t) => {
  const cluster = await startCluster(t)
  const timeoutMs = 800
  const app = await buildTestApp(t, cluster, { REQUEST_TIMEOUT_MS: String(timeoutMs) })
  const port = await listening(app)
  const { socket, closed } = await rawConnection(port)
  const started = Date.now()
  socket.write('POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n')
  let sent = 0
  const trickle = setInterval(() => { if (!socket.destroyed) { socket.write('a'); sent++ } }, 50)
  t.after(() => clearInterval(trickle))
  const response = await closed
  clearInterval(trickle)
  const elapsed = Date.now() - started
  t.diagnostic(`cut off after ${elapsed} ms and ${sent} body bytes (request timeout ${timeoutMs} ms)`)
  assert.ok(elapsed >= timeoutMs - 50, `cut too early: ${elapsed} ms`)
  // Node checks deadlines every tenth of the timeout, so the cut comes within timeout + interval;
  // on a loaded machine, later. Not cut at all, the body would take 50 s: the bound only tells
  // the two apart, with room for load (and `sent` says the same).
  assert.ok(elapsed < timeoutMs * 1.1 + 5000, `cut too late: ${elapsed} ms`)
  assert.ok(sent < 1000)
  assertErrorPage(response, 408, /Request timeout/)

  const after = await fetch(`http://127.0.0.1:${port}/healthz`)
  assert.equal(after.status, 200) // the server itself is fine
})

test('headers that never finish are cut off too', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { REQUEST_TIMEOUT_MS: '600' })
  const port = await listening(app)
  const { socket, closed } = await rawConnection(port)
  const started = Date.now()
  socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n')
  const trickle = setInterval(() => { if (!socket.destroyed) socket.write('X') }, 50)
  t.after(() => clearInterval(trickle))
  const response = await closed
  clearInterval(trickle)
  const elapsed = Date.now() - started
  t.diagnostic(`header trickle cut off after ${elapsed} ms`)
  assert.ok(elapsed < 600 * 1.1 + 5000, `cut too late: ${elapsed} ms`) // never cut, it would go on for ever
  assertErrorPage(response, 408, /Request timeout/)
})

test('malformed headers get the app\'s 400 page with its security headers, not the default JSON', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const port = await listening(app)
  const { socket, closed } = await rawConnection(port)
  socket.write('GET / HTTP/1.1\r\nHost: localhost\r\nBad Header: <script>\r\n\r\n')
  const response = await closed
  assertErrorPage(response, 400, /could not be read as HTTP/)
  assert.doesNotMatch(response, /"statusCode"/)
})

test('GET /%<script> is answered by the error page with the security headers', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const injected = await app.inject({ url: '/%<script>' })
  assert.equal(injected.statusCode, 400)
  assert.match(String(injected.headers['content-type']), /^text\/html/)
  assert.match(String(injected.headers['content-security-policy']), /default-src 'self'/)
  assert.equal(injected.headers['cache-control'], 'no-store')
  assert.match(injected.body, /<!DOCTYPE html>/)
  assert.match(injected.body, /not a valid URL: each % in it must start a %-escape/)
  assert.doesNotMatch(injected.body, /<script>/)

  // The same over a real socket (Node's parser lets the bytes through; Fastify's router refuses them).
  const port = await listening(app)
  const { socket, closed } = await rawConnection(port)
  socket.write('GET /%<script> HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n')
  const response = await closed
  assertErrorPage(response, 400, /not a valid URL/)
  assert.doesNotMatch(response, /<script>/)
})
