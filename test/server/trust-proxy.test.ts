// Issue 21, finding 3: with TRUST_PROXY=true a client chose its own address by writing
// X-Forwarded-For (10 of 10 playground requests passed a limit of 5; logs kept the spoofed address).
// Now only a named proxy speaks for the client, and `true` stops the start.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { buildTestApp, startCluster } from '../helper.ts'
import { startAppProcess } from '../support/app-process.ts'

test('TRUST_PROXY: proxy addresses and CIDRs; true and hop counts are refused, saying why', () => {
  assert.equal(loadConfig({}).trustProxy, false)
  assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false)
  assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,::1,fd00::/8,loopback' }).trustProxy, ['10.0.0.5', '10.1.0.0/16', '::1', 'fd00::/8', 'loopback'])
  const problem = (value: string) => {
    try {
      loadConfig({ TRUST_PROXY: value })
    } catch (error) {
      assert.ok(error instanceof ConfigError)
      return error.problems.join('\n')
    }
    assert.fail(`TRUST_PROXY=${value} was accepted`)
  }
  assert.match(problem('true'), /would trust every hop, so any client could choose its own address by sending X-Forwarded-For/)
  assert.match(problem('1'), /not a hop count: a count cannot tell the proxy from a client/)
  assert.match(problem('10.0.0.0/33'), /not "10\.0\.0\.0\/33"/)
  assert.match(problem('proxy.internal'), /not "proxy\.internal"/)
})

test('the process refuses to start with TRUST_PROXY=true', async () => {
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    env: { PATH: process.env.PATH, TRUST_PROXY: 'true', MEMCACHED_SERVERS: '127.0.0.1:1', HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const [code] = await once(child, 'exit')
  assert.equal(code, 1)
  assert.match(output, /TRUST_PROXY=true would trust every hop/)
})

test('behind a trusted proxy the client cannot pick its address: the playground limit and the logs see the proxy\'s entry', async (t) => {
  const cluster = await startCluster(t)
  // The test connects from 127.0.0.1: it plays the proxy, which appends the address it saw.
  const app = await startAppProcess(t, cluster, { TRUST_PROXY: '127.0.0.1', PLAYGROUND_KEYS_PER_MINUTE: '5', LOG_LEVEL: 'info' })
  const statuses = []
  for (let i = 0; i < 10; i++) {
    // What the attacker sends (`X-Forwarded-For: 198.51.100.<i>`), with the proxy's entry after it.
    const headers = { 'x-forwarded-for': `198.51.100.${i}, 203.0.113.7` }
    const page = await fetch(`${app.url}memcache`, { headers })
    const cookie = page.headers.getSetCookie()[0]!.split(';')[0]!
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!
    const posted = await fetch(`${app.url}memcache`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, op: 'get', key: 'k' })
    })
    await posted.arrayBuffer()
    statuses.push(posted.status)
  }
  assert.deepEqual(statuses, [303, 303, 303, 303, 303, 429, 429, 429, 429, 429])
  assert.match(app.output(), /"remoteAddress":"203\.0\.113\.7"/)
  assert.doesNotMatch(app.output(), /198\.51\.100\./)
})

test('a client that reaches the app directly is not a proxy: its X-Forwarded-* headers are ignored', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { TRUST_PROXY: '10.0.0.5' })
  app.get('/whoami', async (request) => ({ ip: request.ip, protocol: request.protocol }))
  const headers = { 'x-forwarded-for': '198.51.100.1', 'x-forwarded-proto': 'https' }
  const direct = await app.inject({ url: '/whoami', remoteAddress: '192.0.2.9', headers })
  assert.deepEqual(direct.json(), { ip: '192.0.2.9', protocol: 'http' })
  const viaProxy = await app.inject({ url: '/whoami', remoteAddress: '10.0.0.5', headers })
  assert.deepEqual(viaProxy.json(), { ip: '198.51.100.1', protocol: 'https' })
})
