// The plugin's options, checked when it is registered (src/plugin-options.ts): each bad option
// stops `app.ready()` with a SessionOptionError (MC_SESSION_ERR_INVALID_OPTION) naming the option,
// before any request; the defaults; and the caller's object left as it was.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify from 'fastify'
import { MemcacheClient } from '@memcache-session/client'
import { checkPluginOptions, type SessionPluginOptions } from '../src/plugin-options.ts'
import { SessionOptionError } from '../src/errors.ts'
import { DEFAULT_LIMITS } from '../src/limits.ts'
import { sessionPlugin } from '../src/plugin.ts'

// Never asked anything: the checks run before the first command.
const client = new MemcacheClient({ servers: [{ host: '127.0.0.1', port: 1, weight: 1 }] })
test.after(() => client.close())
const SECRET = 'a-secret-that-is-long-enough-0123456789'

const refused: Array<[string, Record<string, unknown>, RegExp]> = [
  ['no client', { client: undefined }, /client is required/],
  ['a client that is not one', { client: { get: () => undefined } }, /client is required/],
  ['no secret', { secret: undefined }, /secret is required/],
  ['an empty list of secrets', { secret: [] }, /secret is required/],
  ['an empty secret', { secret: '' }, /secret\[0\] must be a non-empty string/],
  ['a secret that is not a string', { secret: [SECRET, 42] }, /secret\[1\] must be a non-empty string, got 42/],
  ['an unknown cookie format', { cookieFormat: 'express' }, /cookieFormat must be 'fastify' or 'tornado', got 'express'/],
  ['a cookie name with a space', { cookieName: 'my sid' }, /cookieName must be a cookie-name token/],
  ['a cookie name with =', { cookieName: 'a=b' }, /cookieName must be a cookie-name token/],
  ['an empty cookie name', { cookieName: '' }, /cookieName must be a cookie-name token/],
  ['secure as a boolean', { secure: true }, /secure must be 'auto' or 'always', got true/],
  ['hostPrefix as a word', { hostPrefix: 'yes' }, /hostPrefix must be true or false/],
  ['a ttl of 0', { ttlSeconds: 0, replicas: 0 }, /ttlSeconds must be an integer from 1 to 2592000, got 0/],
  ['a ttl of -1', { ttlSeconds: -1, replicas: 0 }, /ttlSeconds must be an integer from 1 to 2592000, got -1/],
  ['a ttl of 1.5', { ttlSeconds: 1.5, replicas: 0 }, /ttlSeconds must be an integer from 1 to 2592000, got 1.5/],
  ['a ttl of 2 with two copies (the copy expires 2 s before home)', { ttlSeconds: 2 }, /ttlSeconds \(with two copies\) must be an integer from 3 to 2592000, got 2/],
  ['a ttl past 30 days (memcached would read a date)', { ttlSeconds: 2592001 }, /ttlSeconds \(with two copies\) must be an integer from 3 to 2592000/],
  ['a ttl as text', { ttlSeconds: '1200' }, /ttlSeconds \(with two copies\) must be an integer from 3 to 2592000, got '1200'/],
  ['a max age of 0', { maxAgeSeconds: 0 }, /maxAgeSeconds must be an integer from 1/],
  ['a max age of NaN', { maxAgeSeconds: Number.NaN }, /maxAgeSeconds must be an integer/],
  ['replicas 2', { replicas: 2 }, /replicas must be 0 or 1 \(copies beyond the first\), got 2/],
  ['replicas -1', { replicas: -1 }, /replicas must be 0 or 1/],
  ['replicas true', { replicas: true }, /replicas must be 0 or 1/],
  ['a negative clock skew', { clockSkewSeconds: -5 }, /clockSkewSeconds must be an integer from 0 to 3600/],
  ['limits that are not an object', { limits: 5 }, /limits must be an object/],
  ['an unknown limit', { limits: { maxKeySize: 10 } }, /limits.maxKeySize is not a limit/],
  ['a limit of 0', { limits: { maxKeys: 0 } }, /limits.maxKeys must be an integer from 1/],
  ['a value limit above the session limit', { limits: { maxValueBytes: 2048, maxSessionBytes: 1024 } }, /limits.maxValueBytes \(2048\) must not exceed limits.maxSessionBytes \(1024\)/],
  ['admitNewSession that is not a function', { admitNewSession: 'no' }, /admitNewSession must be a function/],
  ['a misspelt option', { ttl: 60 }, /unknown option ttl/]
]

for (const [what, change, message] of refused) {
  test(`refused at registration: ${what}`, async () => {
    const app = Fastify()
    app.register(sessionPlugin, { client, secret: SECRET, ...change } as unknown as SessionPluginOptions)
    await assert.rejects(async () => { await app.ready() }, (error: unknown) => {
      assert.ok(error instanceof SessionOptionError, `a SessionOptionError, got ${String(error)}`)
      assert.equal(error.code, 'MC_SESSION_ERR_INVALID_OPTION')
      assert.match(error.message, /^@memcache-session\/fastify: /)
      assert.match(error.message, message)
      return true
    })
    assert.equal(app.hasDecorator('sessions'), false)
    await app.close()
  })
}

test('no options at all is refused with a message naming the two required ones', () => {
  assert.throws(() => checkPluginOptions(undefined as unknown as SessionPluginOptions), /options are required: \{ client, secret \}/)
})

test('defaults: fastify format, cookie sid, secure auto, 20 minutes idle, 12 hours in all, two copies, the default limits', () => {
  const checked = checkPluginOptions({ client, secret: SECRET })
  assert.deepEqual({ ...checked, client: null }, {
    client: null,
    secrets: [SECRET],
    cookieFormat: 'fastify',
    cookieName: 'sid',
    hostPrefix: true,
    secure: 'auto',
    ttlSeconds: 1200,
    maxAgeSeconds: 43200,
    replicas: 1,
    limits: DEFAULT_LIMITS,
    clockSkewSeconds: 60,
    admitNewSession: null
  })
})

test('partial limits are merged over the defaults into a new object; the caller\'s options are left alone', () => {
  const options = Object.freeze({ client, secret: Object.freeze([SECRET, 'an older secret']), limits: Object.freeze({ maxKeys: 10 }) })
  const checked = checkPluginOptions(options)
  assert.deepEqual(checked.limits, { ...DEFAULT_LIMITS, maxKeys: 10 })
  assert.deepEqual(checked.secrets, [SECRET, 'an older secret'])
  assert.notEqual(checked.secrets, options.secret)
  checked.limits.maxKeys = 1
  assert.equal(DEFAULT_LIMITS.maxKeys, 1000, 'the defaults are copied, never shared')
})

test('a ttl of 1 with one copy, 3 with two, and 30 days are accepted', () => {
  assert.equal(checkPluginOptions({ client, secret: SECRET, ttlSeconds: 1, replicas: 0 }).ttlSeconds, 1)
  assert.equal(checkPluginOptions({ client, secret: SECRET, ttlSeconds: 3 }).ttlSeconds, 3)
})

test('a ttl of 30 days, replicas 0, the tornado format and a clock skew of 0 are accepted', () => {
  const checked = checkPluginOptions({ client, secret: SECRET, ttlSeconds: 2592000, replicas: 0, cookieFormat: 'tornado', cookieName: 'uc', clockSkewSeconds: 0 })
  assert.equal(checked.ttlSeconds, 2592000)
  assert.equal(checked.replicas, 0)
  assert.equal(checked.cookieFormat, 'tornado')
  assert.equal(checked.clockSkewSeconds, 0)
})
