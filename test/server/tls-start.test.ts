// TLS misconfigured: a CA that did not sign the nodes' certificate. The app says so at start
// and on /readyz, within a deadline, and never hangs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TEST_SECRET } from '../helper.ts'
import { localClusterOnFreePorts } from '../../tools/local-cluster.ts'
import { buildApp } from '../../server/app.ts'
import { loadConfig, resolveConfig } from '../../server/config.ts'
import { makeCertificate } from '../support/tls.ts'
import { Writable } from 'node:stream'

test('a CA that does not match: a clear error at start and on /readyz, never a hang', async (t) => {
  const server = makeCertificate('node')
  const cluster = await (await localClusterOnFreePorts([1, 1], { memoryPerWeightMb: 8, flags: ['-B', 'ascii', ...server.memcachedFlags] })).start()
  t.after(() => cluster.stop('SIGKILL'))
  const stranger = makeCertificate('stranger')
  let logs = ''
  const stream = new Writable({ write (chunk, _encoding, done) { logs += chunk.toString(); done() } })
  const config = resolveConfig(loadConfig({
    COOKIE_SECRET: TEST_SECRET,
    MEMCACHED_SERVERS: cluster.serversSetting,
    MEMCACHED_PROTOCOL: 'meta',
    MEMCACHED_TLS: 'on',
    MEMCACHED_TLS_CA: stranger.certFile
  }))
  const app = await buildApp(config, { level: 'error', stream })
  t.after(() => app.close())
  const started = Date.now()
  await app.ready()
  // Every node fails its handshake at once; a hang would hold ready() for ever (or the OS's TCP
  // timeout). The bound tells the two apart with room for a loaded machine.
  assert.ok(Date.now() - started < 10_000, `start is not held up past a deadline (${Date.now() - started} ms)`)
  for (const server of cluster.servers) {
    assert.match(logs, new RegExp(`memcached 127\\.0\\.0\\.1:${server.port} cannot be reached: .*(self-signed|certificate)`))
  }
  const ready = await app.inject('/readyz')
  assert.equal(ready.statusCode, 503)
  const body = ready.json()
  assert.equal(body.up, 0)
  for (const node of body.nodes) assert.match(node.error, /self-signed|certificate/)
})
