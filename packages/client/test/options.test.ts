// Bad options fail in the constructor with InvalidArgumentError naming the option; nothing is
// opened before they are checked.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MemcacheClient } from '../src/client.ts'
import { InvalidArgumentError, MemcacheError } from '../src/errors.ts'
import type { ClientOptions } from '../src/options.ts'
import { binaryTransport } from '../src/binary/index.ts'

const servers = [{ host: '127.0.0.1', port: 11211, weight: 1 }]

test('every bad option is an InvalidArgumentError (MC_ERR_INVALID_ARG) that names it', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ servers: [] }, /servers must list at least one/],
    [{}, /servers must list at least one/],
    [{ servers, protocol: 'binary' }, /protocol is gone: .*transport: binaryTransport from '@memcache-session\/client\/binary'/],
    [{ servers, transport: 'binary' }, /transport must be a transport factory/],
    [{ servers, hashing: 'crc' }, /hashing must be 'modulo' or 'ketama'/],
    [{ servers: [{ host: 'a', port: 1, weight: 0 }] }, /servers\[0\]\.weight must be a positive whole number, got 0/],
    [{ servers: [{ host: 'a', port: 1, weight: 1 }, { host: 'b', port: 1, weight: 1.5 }] }, /servers\[1\]\.weight .* got 1\.5/],
    [{ servers: [{ host: '', port: 1, weight: 1 }] }, /servers\[0\]\.host/],
    [{ servers: [{ host: 'a', port: 70000, weight: 1 }] }, /servers\[0\]\.port must be a port from 1 to 65535/],
    [{ servers, timeoutMs: -1 }, /timeoutMs must be a positive whole number of ms, got -1/],
    [{ servers, timeoutMs: 2.5 }, /timeoutMs .* got 2\.5/],
    [{ servers, probeMinMs: 0 }, /probeMinMs/],
    [{ servers, probeMinMs: 500, probeMaxMs: 100 }, /probeMaxMs \(100\) must not be below probeMinMs \(500\)/],
    [{ servers, maxValueBytes: -5 }, /maxValueBytes must be a positive whole number of bytes/],
    [{ servers, transport: binaryTransport, tls: {} }, /tls needs the meta transport: the binary transport has no TLS/]
  ]
  for (const [options, message] of cases) {
    assert.throws(() => new MemcacheClient(options as ClientOptions), (error: Error) => {
      assert.ok(error instanceof InvalidArgumentError && error instanceof MemcacheError, `${JSON.stringify(options)}: ${error.name}`)
      assert.equal(error.code, 'MC_ERR_INVALID_ARG')
      assert.match(error.message, message)
      assert.match(error.message, /^@memcache-session\/client: /)
      return true
    })
  }
})

test('good options are accepted and the caller\'s object is left as it was', () => {
  const options: ClientOptions = { servers, timeoutMs: 50 }
  const copy = structuredClone(options)
  const client = new MemcacheClient(options)
  assert.equal(client.protocol, 'meta', 'meta is the default')
  client.close()
  assert.equal(new MemcacheClient({ servers, transport: binaryTransport }).protocol, 'binary')
  assert.equal(client.hashing, 'modulo')
  assert.deepEqual(options, copy)
  client.close()
})
