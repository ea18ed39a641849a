// The meta commands against real memcached started with `-B ascii` (binary refused), and over TLS.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import type { ConnectionOptions } from 'node:tls'
import { MetaTransport } from '../../src/meta/transport.ts'
import { NodeDownError, ServerError, TimeoutError } from '../../src/errors.ts'
import { makeCertificate } from '../../../../test/support/tls.ts'

async function freePort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

async function memcachedProcess (t: TestContext, args: string[]) {
  const port = await freePort()
  const child = spawn('memcached', ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-u', 'root', ...args], { stdio: 'ignore' })
  t.after(() => { child.kill('SIGKILL') })
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true) }).once('error', () => resolve(false))
    })
    if (up) return { port, child }
    if (child.exitCode !== null) throw new Error(`memcached ${args.join(' ')} exited`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A SIGSTOP lands asynchronously: wait until the kernel shows every thread of the process stopped. */
async function stopped (pid: number): Promise<void> {
  const states = () => readdirSync(`/proc/${pid}/task`).map((task) => readFileSync(`/proc/${pid}/task/${task}/stat`, 'latin1').split(') ')[1]![0])
  while (!states().every((state) => state === 'T')) await new Promise((resolve) => setImmediate(resolve))
}

async function memcached (t: TestContext, args: string[]): Promise<number> {
  return (await memcachedProcess(t, args)).port
}

function node (t: TestContext, port: number, { timeoutMs = 1000, tls = null }: { timeoutMs?: number, tls?: ConnectionOptions | null } = {}) {
  const mc = new MetaTransport({ host: '127.0.0.1', port, timeoutMs, tls })
  t.after(() => mc.close())
  return { mc }
}

const k = (key: string) => Buffer.from(key)

test('every command on a node that refuses binary', async (t) => {
  const { mc } = node(t, await memcached(t, ['-B', 'ascii']))
  assert.equal(await mc.get(k('missing')), undefined)
  assert.equal((await mc.store('set', k('a'), Buffer.from('abc'), 16, 0)).outcome, 'stored')
  const item = await mc.get(k('a'), 60)
  assert.equal(item!.bytes.toString(), 'abc')
  assert.equal(item!.flags, 16)
  assert.equal((await mc.store('add', k('a'), Buffer.from('x'), 16, 0)).outcome, 'not-stored')
  assert.equal((await mc.store('replace', k('nope'), Buffer.from('x'), 16, 0)).outcome, 'not-stored')
  assert.equal((await mc.store('append', k('a'), Buffer.from('d'), 0, 0)).outcome, 'stored')
  assert.equal((await mc.store('prepend', k('a'), Buffer.from('_'), 0, 0)).outcome, 'stored')
  const grown = await mc.get(k('a'))
  assert.equal(grown!.bytes.toString(), '_abcd')
  assert.equal(grown!.flags, 16, 'append and prepend keep the flags')
  assert.equal((await mc.store('set', k('a'), Buffer.from('z'), 16, 0, item!.cas)).outcome, 'exists', 'a stale token is refused')
  const swapped = await mc.store('set', k('a'), Buffer.from('z'), 16, 0, grown!.cas)
  assert.equal(swapped.outcome, 'stored')
  assert.deepEqual(swapped.cas, (await mc.get(k('a')))!.cas, 'a store answers the new CAS token')
  assert.equal((await mc.store('set', k('gone'), Buffer.from('z'), 16, 0, grown!.cas)).outcome, 'not-found')
  assert.equal(await mc.touch(k('a'), 100), true)
  assert.equal(await mc.touch(k('nope'), 100), false)
  const current = await mc.get(k('a'))
  assert.equal(await mc.delete(k('a'), grown!.cas), 'exists', 'a delete at a stale version is refused')
  assert.equal(await mc.delete(k('a'), current!.cas), 'deleted')
  assert.equal(await mc.delete(k('a')), 'not-found')
})

test('64-bit counters: incr wraps, decr stops at 0, a missing key is undefined', async (t) => {
  const { mc } = node(t, await memcached(t, ['-B', 'ascii']))
  assert.equal(await mc.arithmetic('incr', k('n'), 1n), undefined)
  await mc.store('set', k('n'), Buffer.from('18446744073709551614'), 2, 0)
  assert.equal(await mc.arithmetic('incr', k('n'), 1n), 18446744073709551615n)
  assert.equal(await mc.arithmetic('incr', k('n'), 2n), 1n)
  assert.equal(await mc.arithmetic('decr', k('n'), 5n), 0n)
  await mc.store('set', k('s'), Buffer.from('abc'), 16, 0)
  await assert.rejects(mc.arithmetic('incr', k('s'), 1n), (error: Error) => error instanceof ServerError && error.status === 'CLIENT_ERROR')
})

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
