import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError, DEV_COOKIE_SECRET, loadConfig, parseServers, resolveConfig } from '../server/config.ts'

const LONG = 'x'.repeat(32)
const files = mkdtempSync(join(tmpdir(), 'config-'))
process.once('exit', () => rmSync(files, { recursive: true, force: true }))
const PLAIN_FILE = join(files, 'plain.txt')
const PEM_FILE = join(files, 'ca.pem')
writeFileSync(PLAIN_FILE, 'not a certificate')
writeFileSync(PEM_FILE, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')

test('MEMCACHED_TLS: the PEM files are read at start, for the meta transport', () => {
  const config = loadConfig({ MEMCACHED_SERVERS: 'a:1', MEMCACHED_PROTOCOL: 'meta', MEMCACHED_TLS: 'on', MEMCACHED_TLS_CA: PEM_FILE })
  assert.equal(config.memcachedProtocol, 'meta')
  assert.deepEqual(config.memcachedTls, { ca: readFileSync(PEM_FILE) })
  assert.deepEqual(loadConfig({ MEMCACHED_SERVERS: 'a:1', MEMCACHED_PROTOCOL: 'meta', MEMCACHED_TLS: 'on' }).memcachedTls, {}, "no CA file: the system's CAs")
})

test('defaults', () => {
  const config = loadConfig({})
  assert.equal(config.port, 9999)
  assert.equal(config.host, '0.0.0.0')
  assert.equal(config.memcachedServers, null)
  assert.deepEqual(config.localNodes, [{ port: 11211, weight: 4 }, { port: 11212, weight: 3 }, { port: 11213, weight: 1 }, { port: 11214, weight: 2 }])
  assert.equal(config.sessionTtlSeconds, 1200)
  assert.equal(config.sessionMaxAgeSeconds, 43200)
  assert.deepEqual(config.cookieSecrets, [DEV_COOKIE_SECRET])
  assert.equal(config.usingDevSecret, true)
  assert.equal(config.cookieSecure, 'auto')
  assert.equal(config.memcachedTimeoutMs, 500)
  assert.equal(config.cookieFormat, 'fastify')
  assert.equal(config.memcachedHashing, 'modulo')
  assert.equal(config.playground, true)
  assert.equal(config.memcachedProtocol, 'meta')
  assert.equal(config.memcachedTls, null)
  assert.equal(config.playgroundMemcachedServers, null)
  assert.equal(config.playgroundKeysPerMinute, 120)
  assert.equal(config.playgroundMaxTtlSeconds, 3600)
  assert.deepEqual(loadConfig({ PLAYGROUND_MEMCACHED_SERVERS: 'pg:11211' }).playgroundMemcachedServers, [{ host: 'pg', port: 11211, weight: 1 }])
})

test('MEMCACHED_SERVERS: host:port[:weight], weight 1 by default, IPv6 in brackets', () => {
  assert.deepEqual(parseServers('a:11211:4, b:11212 ,[::1]:11213:2'), [
    { host: 'a', port: 11211, weight: 4 },
    { host: 'b', port: 11212, weight: 1 },
    { host: '::1', port: 11213, weight: 2 }
  ])
})

test('COOKIE_SECRET: comma-separated, the first signs', () => {
  const config = loadConfig({ COOKIE_SECRET: `${LONG}a, ${LONG}b` })
  assert.deepEqual(config.cookieSecrets, [`${LONG}a`, `${LONG}b`])
  assert.equal(config.usingDevSecret, false)
})

test('bad values stop the start with a message naming the variable', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number from 0 to 65535/],
    [{ SESSION_TTL_SECONDS: '-5' }, /SESSION_TTL_SECONDS/],
    [{ SESSION_TTL_SECONDS: '1.5' }, /SESSION_TTL_SECONDS/],
    [{ SESSION_TTL_SECONDS: '2' }, /SESSION_TTL_SECONDS/],
    [{ MEMCACHED_SERVERS: 'localhost' }, /MEMCACHED_SERVERS: "localhost" is not host:port/],
    [{ MEMCACHED_SERVERS: 'a:0' }, /MEMCACHED_SERVERS: "a:0": port/],
    [{ MEMCACHED_SERVERS: 'a:1:0' }, /weight must be 1-100/],
    [{ COOKIE_SECURE: 'yes' }, /COOKIE_SECURE must be one of auto, always/],
    [{ COOKIE_FORMAT: 'django' }, /COOKIE_FORMAT must be one of fastify, tornado/],
    [{ MEMCACHED_HASHING: 'crc' }, /MEMCACHED_HASHING must be one of modulo, ketama/],
    [{ PLAYGROUND: 'no' }, /PLAYGROUND must be one of on, off/],
    [{ MEMCACHED_PROTOCOL: 'ascii' }, /MEMCACHED_PROTOCOL must be one of meta, binary/],
    [{ MEMCACHED_DEAD_RETRY_SECONDS: '30' }, /MEMCACHED_DEAD_RETRY_SECONDS is gone: a failed node is probed/],
    [{ MEMCACHED_PROBE_MIN_MS: '500', MEMCACHED_PROBE_MAX_MS: '200' }, /MEMCACHED_PROBE_MAX_MS \(200\) must not be below MEMCACHED_PROBE_MIN_MS \(500\)/],
    [{ MEMCACHED_PROTOCOL: 'binary', MEMCACHED_TLS: 'on' }, /MEMCACHED_TLS=on needs MEMCACHED_PROTOCOL=meta/],
    [{ MEMCACHED_PROTOCOL: 'meta', MEMCACHED_TLS: 'on' }, /MEMCACHED_TLS=on needs MEMCACHED_SERVERS/],
    [{ MEMCACHED_PROTOCOL: 'meta', MEMCACHED_TLS: 'on', MEMCACHED_TLS_CA: '/nonexistent/ca.pem' }, /MEMCACHED_TLS_CA: cannot read \/nonexistent\/ca.pem \(ENOENT\)/],
    [{ MEMCACHED_PROTOCOL: 'meta', MEMCACHED_TLS: 'on', MEMCACHED_TLS_CA: PLAIN_FILE }, /MEMCACHED_TLS_CA: .* is not a PEM file/],
    [{ MEMCACHED_PROTOCOL: 'meta', MEMCACHED_TLS: 'on', MEMCACHED_TLS_CERT: PEM_FILE }, /a client certificate needs its key/],
    [{ MEMCACHED_TLS_CA: PEM_FILE }, /MEMCACHED_TLS_CA is set but MEMCACHED_TLS is not on/],
    [{ LOCAL_MEMCACHED_PORTS: '1,2,3,4' }, /LOCAL_MEMCACHED_PORTS must be 8 different ports/],
    [{ LOCAL_MEMCACHED_PORTS: '1,2,3,4,4' }, /LOCAL_MEMCACHED_PORTS must be 8 different ports/],
    [{ LOCAL_MEMCACHED_PORTS: '1,2,3,4,70000' }, /LOCAL_MEMCACHED_PORTS must be 8 different ports/],
    [{ LOCAL_MEMCACHED_PORTS: '1,2,3,4,65534' }, /LOCAL_MEMCACHED_PORTS must be 8 different ports/], // its four would pass 65535
    [{ LOCAL_MEMCACHED_PORTS: '1,2,3,4,5,6,7,1' }, /LOCAL_MEMCACHED_PORTS must be 8 different ports/],
    [{ PLAYGROUND_MEMCACHED_SERVERS: 'pg' }, /PLAYGROUND_MEMCACHED_SERVERS: "pg" is not host:port/],
    [{ PLAYGROUND_KEYS_PER_MINUTE: 'many' }, /PLAYGROUND_KEYS_PER_MINUTE must be a whole number/],
    [{ PLAYGROUND_MAX_TTL_SECONDS: '0' }, /PLAYGROUND_MAX_TTL_SECONDS must be a whole number from 1/],
    [{ NODE_ENV: 'production' }, /COOKIE_SECRET is required when NODE_ENV=production/],
    [{ NODE_ENV: 'production', COOKIE_SECRET: 'short' }, /at least 32 characters/],
    [{ NODE_ENV: 'production', COOKIE_SECRET: `${LONG},short` }, /at least 32 characters/]
  ]
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message), JSON.stringify(env))
  }
  assert.equal(loadConfig({ NODE_ENV: 'production', COOKIE_SECRET: LONG }).production, true)
})

test('several problems are reported together', () => {
  assert.throws(() => loadConfig({ PORT: 'x', SESSION_TTL_SECONDS: 'y' }), (error: unknown) => (error as ConfigError).problems.length === 2)
})

test('LOCAL_MEMCACHED_PORTS: the ports of the four local nodes, in weight order, then the playground\'s four', () => {
  const loaded = loadConfig({ LOCAL_MEMCACHED_PORTS: '21211, 21212,21213,21214,21215,21216,21217,21218' })
  assert.deepEqual(loaded.localNodes.map((n) => [n.port, n.weight]), [[21211, 4], [21212, 3], [21213, 1], [21214, 2]])
  assert.deepEqual(loaded.localPlaygroundNodes.map((n) => [n.port, n.weight]), [[21215, 4], [21216, 3], [21217, 1], [21218, 2]])
  assert.deepEqual(loadConfig({}).localPlaygroundNodes.map((n) => n.port), [11215, 11216, 11217, 11218])
  // Five ports, as before: the playground's four from the fifth on.
  assert.deepEqual(loadConfig({ LOCAL_MEMCACHED_PORTS: '1,2,3,4,30000' }).localPlaygroundNodes.map((n) => n.port), [30000, 30001, 30002, 30003])
})

test('resolveConfig: the app gets servers, never null', () => {
  const servers = [{ host: '127.0.0.1', port: 21211, weight: 4 }]
  assert.throws(() => resolveConfig(loadConfig({})), /MEMCACHED_SERVERS is not set/)
  const local = resolveConfig(loadConfig({}), servers)
  assert.deepEqual(local.memcachedServers, servers)
  assert.equal('localNodes' in local, false)
  assert.deepEqual(resolveConfig(loadConfig({ MEMCACHED_SERVERS: 'a:1:2' })).memcachedServers, [{ host: 'a', port: 1, weight: 2 }])
})

test('METRICS_PORT: 9464 by default, any port, 0 for a free one, off for none; METRICS_HOST defaults to HOST', () => {
  assert.equal(loadConfig({}).metricsPort, 9464)
  assert.equal(loadConfig({ METRICS_PORT: '9100' }).metricsPort, 9100)
  assert.equal(loadConfig({ METRICS_PORT: '0' }).metricsPort, 0)
  assert.equal(loadConfig({ METRICS_PORT: 'off' }).metricsPort, null)
  assert.equal(loadConfig({ HOST: '127.0.0.1' }).metricsHost, '127.0.0.1')
  assert.equal(loadConfig({ HOST: '127.0.0.1', METRICS_HOST: '10.0.0.5' }).metricsHost, '10.0.0.5')
  assert.throws(() => loadConfig({ METRICS_PORT: 'on' }), /METRICS_PORT must be a whole number from 0 to 65535/)
})
