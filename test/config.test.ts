import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ConfigError, DEV_COOKIE_SECRET, loadConfig, parseServers } from '../server/config.ts'

const LONG = 'x'.repeat(32)

test('defaults', () => {
  const config = loadConfig({})
  assert.equal(config.port, 9999)
  assert.equal(config.host, '0.0.0.0')
  assert.equal(config.memcachedServers, null)
  assert.equal(config.sessionTtlSeconds, 1200)
  assert.equal(config.sessionMaxAgeSeconds, 43200)
  assert.deepEqual(config.cookieSecrets, [DEV_COOKIE_SECRET])
  assert.equal(config.usingDevSecret, true)
  assert.equal(config.cookieSecure, 'auto')
  assert.equal(config.memcachedTimeoutMs, 500)
  assert.equal(config.cookieFormat, 'fastify')
  assert.equal(config.memcachedHashing, 'modulo')
  assert.equal(config.playground, true)
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
    [{ MEMCACHED_SERVERS: 'localhost' }, /MEMCACHED_SERVERS: "localhost" is not host:port/],
    [{ MEMCACHED_SERVERS: 'a:0' }, /MEMCACHED_SERVERS: "a:0": port/],
    [{ MEMCACHED_SERVERS: 'a:1:0' }, /weight must be 1-100/],
    [{ COOKIE_SECURE: 'yes' }, /COOKIE_SECURE must be one of auto, always/],
    [{ COOKIE_FORMAT: 'django' }, /COOKIE_FORMAT must be one of fastify, tornado/],
    [{ MEMCACHED_HASHING: 'crc' }, /MEMCACHED_HASHING must be one of modulo, ketama/],
    [{ PLAYGROUND: 'no' }, /PLAYGROUND must be one of on, off/],
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
