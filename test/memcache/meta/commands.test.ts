// The meta commands against real memcached started with `-B ascii` (binary refused), and over TLS.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, connect } from 'node:net'
import { MetaConnection, RequestTimeoutError } from '../../../server/memcache/meta/connection.ts'
import { MetaCommands } from '../../../server/memcache/meta/commands.ts'

async function freePort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

async function memcached (t: TestContext, args: string[]): Promise<number> {
  const port = await freePort()
  const child = spawn('memcached', ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-u', 'root', ...args], { stdio: 'ignore' })
  t.after(() => { child.kill('SIGKILL') })
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true) }).once('error', () => resolve(false))
    })
    if (up) return port
    if (child.exitCode !== null) throw new Error(`memcached ${args.join(' ')} exited`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function node (t: TestContext, port: number, extra: Partial<ConstructorParameters<typeof MetaConnection>[0]> = {}) {
  const connection = new MetaConnection({ host: '127.0.0.1', port, timeoutMs: 1000, ...extra })
  t.after(() => connection.close())
  return { connection, mc: new MetaCommands(connection) }
}

const k = (key: string) => Buffer.from(key)

test('every command on a node that refuses binary', async (t) => {
  const { mc } = node(t, await memcached(t, ['-B', 'ascii']))
  assert.equal(await mc.get(k('missing')), undefined)
  assert.equal(await mc.store('set', k('a'), Buffer.from('abc'), 16, 0), 'stored')
  const item = await mc.get(k('a'), 60)
  assert.equal(item!.bytes.toString(), 'abc')
  assert.equal(item!.flags, 16)
  assert.equal(await mc.store('add', k('a'), Buffer.from('x'), 16, 0), 'not-stored')
  assert.equal(await mc.store('replace', k('nope'), Buffer.from('x'), 16, 0), 'not-stored')
  assert.equal(await mc.store('append', k('a'), Buffer.from('d'), 0, 0), 'stored')
  assert.equal(await mc.store('prepend', k('a'), Buffer.from('_'), 0, 0), 'stored')
  const grown = await mc.get(k('a'))
  assert.equal(grown!.bytes.toString(), '_abcd')
  assert.equal(grown!.flags, 16, 'append and prepend keep the flags')
  assert.equal(await mc.store('set', k('a'), Buffer.from('z'), 16, 0, item!.cas), 'exists', 'a stale token is refused')
  assert.equal(await mc.store('set', k('a'), Buffer.from('z'), 16, 0, grown!.cas), 'stored')
  assert.equal(await mc.store('set', k('gone'), Buffer.from('z'), 16, 0, grown!.cas), 'not-found')
  assert.equal(await mc.touch(k('a'), 100), true)
  assert.equal(await mc.touch(k('nope'), 100), false)
  assert.equal(await mc.delete(k('a')), true)
  assert.equal(await mc.delete(k('a')), false)
})

test('64-bit counters: incr wraps, decr stops at 0, a missing key is undefined', async (t) => {
  const { mc } = node(t, await memcached(t, ['-B', 'ascii']))
  assert.equal(await mc.arithmetic('incr', k('n'), 1n), undefined)
  await mc.store('set', k('n'), Buffer.from('18446744073709551614'), 2, 0)
  assert.equal(await mc.arithmetic('incr', k('n'), 1n), 18446744073709551615n)
  assert.equal(await mc.arithmetic('incr', k('n'), 2n), 1n)
  assert.equal(await mc.arithmetic('decr', k('n'), 5n), 0n)
  await mc.store('set', k('s'), Buffer.from('abc'), 16, 0)
  await assert.rejects(mc.arithmetic('incr', k('s'), 1n), /CLIENT_ERROR/)
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

test('a large value arrives whole, and a timeout drops the connection instead of reusing it', async (t) => {
  const port = await memcached(t, ['-B', 'ascii'])
  const { mc } = node(t, port, { timeoutMs: 200 })
  const big = Buffer.alloc(900_000, 0x61)
  await mc.store('set', k('big'), big, 0, 0)
  // Stall the event loop while the answer arrives: the deadline fires with bytes half-read.
  const reading = mc.get(k('big'))
  const until = Date.now() + 400
  while (Date.now() < until) { /* busy */ }
  const outcome = await reading.then((item) => item!.bytes.length, (error: Error) => error)
  if (outcome instanceof Error) assert.ok(outcome instanceof RequestTimeoutError)
  else assert.equal(outcome, big.length)
  // Whatever happened, the next request gets a clean answer.
  assert.equal((await mc.get(k('big')))!.bytes.length, big.length)
})

test('over TLS: a CA that signed the certificate connects; another CA is refused at once', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mc-tls-'))
  const make = (name: string) => execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.crt`), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
  make('server')
  make('other')
  const port = await memcached(t, ['-B', 'ascii', '-Z', '-o', `ssl_chain_cert=${join(dir, 'server.crt')},ssl_key=${join(dir, 'server.key')}`])
  const trusted = node(t, port, { tls: { ca: readFileSync(join(dir, 'server.crt')) } })
  assert.equal(await trusted.mc.store('set', k('t'), Buffer.from('over tls'), 16, 0), 'stored')
  assert.equal((await trusted.mc.get(k('t')))!.bytes.toString(), 'over tls')
  const untrusted = node(t, port, { tls: { ca: readFileSync(join(dir, 'other.crt')) } })
  await assert.rejects(untrusted.mc.version(), (error: Error & { unsent?: boolean }) => /self-signed|unable to verify|certificate/i.test(error.message) && error.unsent === true)
})
