// No lost updates: concurrent changes to one session, from one app and from two app processes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { buildTestApp, csrfToken, MEMCACHED_ENV, startCluster, TEST_SECRET, Visitor } from '../helper.ts'
import { freePort, waitForPort } from '../../tools/ports.ts'
import { APP_START_MS } from '../support/app-process.ts'

test('50 concurrent POSTs setting 50 keys on one session keep all 50', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  await visitor.get()
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => visitor.post({ action: 'set', key: `key${i}`, val: `value${i}` })))
  assert.deepEqual(responses.map((r) => r.statusCode), Array(50).fill(303))
  const data = await visitor.data()
  assert.equal(Object.keys(data).length, 50)
  for (let i = 0; i < 50; i++) assert.equal(data[`key${i}`], `value${i}`)
})

test('the same split across two app processes sharing the cluster and the secret', async (t) => {
  const cluster = await startCluster(t)
  const servers = cluster.serversSetting
  const ports = [await freePort(), await freePort()]
  const root = fileURLToPath(new URL('../../', import.meta.url))
  for (const port of ports) {
    const child = spawn(process.execPath, ['server/main.ts'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: servers, ...MEMCACHED_ENV, COOKIE_SECRET: TEST_SECRET, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit']
    })
    t.after(async () => { child.kill('SIGTERM'); if (child.exitCode === null) await once(child, 'exit') })
    await waitForPort(port, APP_START_MS)
  }

  // One visitor: a cookie and CSRF token from the first process, used on both.
  const first = await fetch(`http://127.0.0.1:${ports[0]}/`)
  const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
  const csrf = csrfToken(await first.text())
  const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => fetch(`http://127.0.0.1:${ports[i % 2]}/`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, action: 'set', key: `key${i}`, val: `value${i}` })
  })))
  assert.deepEqual(responses.map((r) => r.status), Array(50).fill(303))

  const page = await (await fetch(`http://127.0.0.1:${ports[1]}/`, { headers: { cookie } })).text()
  const keys = [...page.matchAll(/<tr><td>(key\d+)<\/td><td>value\d+<\/td><\/tr>/g)].map((m) => m[1])
  assert.equal(new Set(keys).size, 50)
})
