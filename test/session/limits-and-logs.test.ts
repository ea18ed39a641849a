// Session-wide limits, and logs that never carry a raw session id.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { buildApp } from '../../server/app.ts'
import { loadConfig, resolveConfig } from '../../server/config.ts'
import { buildTestApp, MEMCACHED_ENV, pageError, startCluster, TEST_SECRET, Visitor } from '../helper.ts'
import { DEFAULT_LIMITS } from '@memcache-session/fastify'

test('whole-session limits: number of keys and total size', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)

  // Fill to the key limit with tiny values, then one more key is refused.
  for (let i = 0; i < DEFAULT_LIMITS.maxKeys; i++) await visitor.set(`k${i}`, '')
  const over = await visitor.post({ action: 'set', key: 'one-too-many', val: 'x' })
  assert.equal(over.statusCode, 413)
  assert.match(pageError(over.body)!, /at most 1000 keys/)
  assert.equal(Object.keys(await visitor.data()).length, 1000)

  // Size: four 16 KiB values exceed 64 KiB once the JSON framing is counted.
  const big = new Visitor(app)
  for (let i = 0; i < 3; i++) await big.set(`v${i}`, 'x'.repeat(16 * 1024))
  const tooBig = await big.post({ action: 'set', key: 'v3', val: 'x'.repeat(16 * 1024) })
  assert.equal(tooBig.statusCode, 413)
  assert.match(pageError(tooBig.body)!, /the limit is 64 KiB/)
  assert.equal(Object.keys(await big.data()).length, 3)
  // One value over its own limit is refused before the session is looked at.
  const tooLong = await big.post({ action: 'set', key: 'v3', val: 'x'.repeat(16 * 1024 + 1) })
  assert.equal(tooLong.statusCode, 413)
  assert.match(pageError(tooLong.body)!, /the limit is 16 KiB/)
})

test('logs carry a keyed hash of the session id, never the id', async (t) => {
  const cluster = await startCluster(t)
  let logs = ''
  const stream = new Writable({ write (chunk, _encoding, done) { logs += chunk.toString(); done() } })
  const config = resolveConfig(loadConfig({ COOKIE_SECRET: TEST_SECRET, MEMCACHED_SERVERS: cluster.serversSetting, ...MEMCACHED_ENV }))
  const app = await buildApp(config, { level: 'trace', stream })
  t.after(() => app.close())
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')
  await visitor.post({ action: 'set', key: '', val: 'refused' }) // logged as a refused change
  await visitor.post({ action: 'set', key: 'k', val: 'x' }, { csrf: false })
  const id = visitor.sessionId!
  assert.ok(logs.length > 0)
  assert.match(logs, /session change refused/)
  assert.ok(!logs.includes(id), 'a raw session id was logged')
  assert.match(logs, new RegExp(`"session":"${app.sessions.logId(id)}"`))
})
