// What only the meta transport does, against real memcached started with `-B ascii` (binary
// refused): batches as one round trip, the deadline under a stalled loop, TLS. Every outcome both
// transports share is in ../transport-contract.test.ts.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { ConnectionOptions } from 'node:tls'
import { MetaTransport } from '../../src/meta/transport.ts'
import { NodeDownError, TimeoutError } from '../../src/errors.ts'
import { memcachedProcess, stopped } from '../../../../test/support/memcached-process.ts'
import { makeCertificate } from '../../../../test/support/tls.ts'

async function memcached (t: TestContext, args: string[]): Promise<number> {
  return (await memcachedProcess(t, args)).port
}

function node (t: TestContext, port: number, { timeoutMs = 1000, tls = null }: { timeoutMs?: number, tls?: ConnectionOptions | null } = {}) {
  const mc = new MetaTransport({ host: '127.0.0.1', port, timeoutMs, tls })
  t.after(() => mc.close())
  return { mc }
}

const k = (key: string) => Buffer.from(key)

test('multi-key commands are one pipelined batch each', async (t) => {
  const port = await memcached(t, ['-B', 'ascii'])
  const { mc } = node(t, port)
  const keys = ['a', 'b', 'c', 'd'].map(k)
  assert.deepEqual(await mc.setMulti(keys.slice(0, 3).map((key, i) => ({ key, bytes: Buffer.from(`v${i}`), flags: 16 })), 0), [])
  const found = await mc.getMulti(keys)
  assert.deepEqual([...found.keys()].sort(), [0, 1, 2])
  assert.equal(found.get(2)!.bytes.toString(), 'v2')
  await mc.deleteMulti(keys)
  assert.equal((await mc.getMulti(keys)).size, 0)
  const stats = await mc.stats()
  assert.equal(stats.cmd_get, '8', 'memcached counted 8 gets: the two batches')
  assert.match(await mc.version(), /^\d+\.\d+\.\d+/)
})

test('a stalled event loop is not blamed on the node; a node that stops answering is, and the next request starts clean', async (t) => {
  const { port, child } = await memcachedProcess(t, ['-B', 'ascii'])
  const { mc } = node(t, port, { timeoutMs: 200 })
  const big = Buffer.alloc(900_000, 0x61)
  await mc.store('set', k('big'), big, 0, 0)
  // Stall the event loop past the deadline while the answer arrives: the timer fires late, and
  // the late timer is this process's fault, not the node's.
  const reading = mc.get(k('big'))
  const until = Date.now() + 400
  while (Date.now() < until) { /* busy */ }
  assert.equal((await reading)!.bytes.length, big.length)

  child.kill('SIGSTOP')
  await stopped(child.pid!)
  const started = Date.now()
  await assert.rejects(mc.get(k('big')), (error: Error) => error instanceof TimeoutError && error.sent)
  assert.ok(Date.now() - started < 1000, 'one deadline, not a hang')
  child.kill('SIGCONT')
  assert.equal((await mc.get(k('big')))!.bytes.length, big.length)
})

test('over TLS: a CA that signed the certificate connects; another CA, or a certificate for another name, is refused at once', async (t) => {
  const server = makeCertificate('server')
  const other = makeCertificate('other')
  const elsewhere = makeCertificate('elsewhere', 'DNS:cache.example.org')
  const port = await memcached(t, ['-B', 'ascii', ...server.memcachedFlags])
  const trusted = node(t, port, { tls: { ca: readFileSync(server.certFile) } })
  assert.equal((await trusted.mc.store('set', k('t'), Buffer.from('over tls'), 16, 0)).outcome, 'stored')
  assert.equal((await trusted.mc.get(k('t')))!.bytes.toString(), 'over tls')

  const untrusted = node(t, port, { tls: { ca: readFileSync(other.certFile) } })
  await assert.rejects(untrusted.mc.version(), (error: Error) => error instanceof NodeDownError && /self-signed|unable to verify|certificate/i.test(error.message) && !error.sent)

  const misnamed = await memcached(t, ['-B', 'ascii', ...elsewhere.memcachedFlags])
  const wrongName = node(t, misnamed, { tls: { ca: readFileSync(elsewhere.certFile) } })
  await assert.rejects(wrongName.mc.version(), (error: Error) => error instanceof NodeDownError && /127\.0\.0\.1|altnames|does not match/i.test(error.message) && !error.sent)
})
