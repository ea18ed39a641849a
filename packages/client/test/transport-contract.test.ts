// One contract for both transports (gomemcache's testWithClient is the model): every outcome of
// the NodeTransport interface (transport.ts), asserted once and run on the binary transport and
// on the meta transport, each against a real memcached that speaks only its protocol.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { BinaryTransport } from '../src/binary/transport.ts'
import { MetaTransport } from '../src/meta/transport.ts'
import { ClientClosedError, isNodeFailure, NodeDownError, ProtocolError, ServerError, TimeoutError } from '../src/errors.ts'
import type { MemcachedProtocol, NodeTransport } from '../src/transport.ts'
import { memcachedProcess, stopped } from '../../../test/support/memcached-process.ts'
import { freePort } from '../../../tools/ports.ts'
import { startGarbageProxy } from '../../../test/support/garbage-proxy.ts'

interface TransportKind {
  protocol: MemcachedProtocol
  /** memcached's flags for a node that speaks this protocol only. */
  nodeFlags: string[]
  open (port: number, timeoutMs: number): NodeTransport
}

const k = (key: string) => Buffer.from(key)
/** A key memcached cannot parse (over its 250-byte limit): the transports send keys as given. */
const UNPARSEABLE = k('x'.repeat(300))
const TOO_LARGE = Buffer.alloc(2 * 1024 * 1024, 0x61)

function isError (type: new (...args: never[]) => Error, check: (error: never) => boolean = () => true) {
  return (error: Error) => error instanceof type && check(error as never)
}

function testWithTransport (kind: TransportKind): void {
  const node = async (t: TestContext, timeoutMs = 1000) => {
    const memcached = await memcachedProcess(t, kind.nodeFlags)
    const transport = kind.open(memcached.port, timeoutMs)
    t.after(() => transport.close())
    return { transport, ...memcached }
  }

  test(`${kind.protocol}: hits, misses and every outcome of the single-key commands`, async (t) => {
    const { transport: mc } = await node(t)
    assert.equal(mc.protocol, kind.protocol)
    assert.equal(await mc.get(k('missing')), undefined)
    assert.equal((await mc.store('set', k('a'), Buffer.from('abc'), 16, 0)).outcome, 'stored')
    const item = await mc.get(k('a'), 60)
    assert.equal(item!.bytes.toString(), 'abc')
    assert.equal(item!.flags, 16)
    assert.equal(item!.cas.length, 8)
    assert.equal((await mc.store('add', k('a'), Buffer.from('x'), 16, 0)).outcome, 'not-stored')
    assert.equal((await mc.store('replace', k('nope'), Buffer.from('x'), 16, 0)).outcome, 'not-stored')
    assert.equal((await mc.store('append', k('nope'), Buffer.from('x'), 0, 0)).outcome, 'not-stored')
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
    assert.equal(await mc.arithmetic('incr', k('n'), 1n), undefined)
    await mc.store('set', k('n'), Buffer.from('18446744073709551614'), 2, 0)
    assert.equal(await mc.arithmetic('incr', k('n'), 1n), 18446744073709551615n)
    assert.equal(await mc.arithmetic('incr', k('n'), 2n), 1n, 'incr wraps at 2^64')
    assert.equal(await mc.arithmetic('decr', k('n'), 5n), 0n, 'decr stops at 0')
    assert.match((await mc.stats()).version!, /^\d+\.\d+\.\d+/)
    await mc.probe()
  })

  test(`${kind.protocol}: error statuses are ServerError with the same status word, and the connection stays usable`, async (t) => {
    const { transport: mc } = await node(t)
    await mc.store('set', k('s'), Buffer.from('abc'), 16, 0)
    await assert.rejects(mc.arithmetic('incr', k('s'), 1n), isError(ServerError, (e: ServerError) => e.status === 'non-numeric' && e.code === 'MC_ERR_SERVER' && !isNodeFailure(e)))
    await assert.rejects(mc.store('set', k('big'), TOO_LARGE, 0, 0), isError(ServerError, (e: ServerError) => e.status === 'too-large'))
    await assert.rejects(mc.get(UNPARSEABLE), isError(ServerError, (e: ServerError) => e.status === 'invalid-request'))
    assert.equal((await mc.get(k('s')))!.bytes.toString(), 'abc')
  })

  test(`${kind.protocol}: multi-key commands: hits by position, the entries not stored, errors thrown`, async (t) => {
    const { transport: mc } = await node(t)
    const keys = ['a', 'b', 'c', 'd'].map(k)
    const entries = keys.slice(0, 3).map((key, i) => ({ key, bytes: Buffer.from(`v${i}`), flags: 16 }))
    assert.deepEqual(await mc.setMulti(entries, 0), [])
    const found = await mc.getMulti(keys)
    assert.deepEqual([...found.keys()].sort(), [0, 1, 2])
    assert.equal(found.get(2)!.bytes.toString(), 'v2')
    assert.equal(found.get(2)!.flags, 16)
    assert.deepEqual(await mc.setMulti([{ key: k('e'), bytes: Buffer.from('e'), flags: 0 }, { key: k('f'), bytes: TOO_LARGE, flags: 0 }, { key: k('g'), bytes: Buffer.from('g'), flags: 0 }], 0), [1], 'the entry over the item size, alone')
    assert.deepEqual([...(await mc.getMulti([k('e'), k('f'), k('g')])).keys()].sort(), [0, 2])
    assert.deepEqual(await mc.deleteMulti([...keys, k('never-set')]), [3, 4], 'a missing key is not a failure: its position is returned')
    assert.equal((await mc.getMulti(keys)).size, 0)
    await assert.rejects(mc.getMulti([k('e'), UNPARSEABLE]), isError(ServerError, (e: ServerError) => e.status === 'invalid-request'), 'getMulti with an error status')
    await assert.rejects(mc.deleteMulti([k('e'), UNPARSEABLE]), isError(ServerError, (e: ServerError) => e.status === 'invalid-request'), 'deleteMulti with an error status')
    assert.equal((await mc.get(k('g')))!.bytes.toString(), 'g', 'the next request is answered')
  })

  test(`${kind.protocol}: an answer that is not the protocol is a ProtocolError, and the next request starts clean`, async (t) => {
    const { port } = await memcachedProcess(t, kind.nodeFlags)
    const proxy = await startGarbageProxy(t, port)
    const mc = kind.open(proxy.port, 1000)
    t.after(() => mc.close())
    await assert.rejects(mc.get(k('a')), isError(ProtocolError, (e: ProtocolError) => e.code === 'MC_ERR_PROTOCOL' && e.sent && isNodeFailure(e)))
    assert.equal((await mc.store('set', k('a'), Buffer.from('1'), 0, 0)).outcome, 'stored')
    assert.equal(proxy.connections(), 2)
  })

  test(`${kind.protocol}: close() fails the pending requests with ClientClosedError, and later ones at once`, async (t) => {
    const { transport: mc } = await node(t)
    const beforeConnect = mc.get(k('a'))
    mc.close()
    await assert.rejects(beforeConnect, isError(ClientClosedError, (e: ClientClosedError) => e.code === 'MC_ERR_CLOSED' && !e.sent && !isNodeFailure(e)))
    await assert.rejects(mc.get(k('a')), isError(ClientClosedError, (e: ClientClosedError) => !e.sent))

    const { transport: open } = await node(t)
    await open.probe()
    const pending = [open.get(k('a')), open.getMulti([k('a'), k('b')]), open.stats()]
    open.close()
    for (const request of pending) await assert.rejects(request, isError(ClientClosedError, (e: ClientClosedError) => e.sent))
  })

  test(`${kind.protocol}: a refused connection is NodeDownError, not sent; a node that stops answering is TimeoutError, sent`, async (t) => {
    const refused = kind.open(await freePort(), 1000)
    t.after(() => refused.close())
    await assert.rejects(refused.get(k('a')), isError(NodeDownError, (e: NodeDownError) => e.code === 'MC_ERR_NODE_DOWN' && !e.sent && isNodeFailure(e)))

    const { transport: mc, child } = await node(t, 200)
    await mc.store('set', k('a'), Buffer.from('1'), 0, 0)
    child.kill('SIGSTOP')
    await stopped(child.pid!)
    await assert.rejects(mc.get(k('a')), isError(TimeoutError, (e: TimeoutError) => e.code === 'MC_ERR_TIMEOUT' && e.sent && isNodeFailure(e)))
    child.kill('SIGCONT')
    assert.equal((await mc.get(k('a')))!.bytes.toString(), '1', 'a fresh connection once the node answers')
  })
}

testWithTransport({
  protocol: 'binary',
  nodeFlags: ['-B', 'binary'],
  open: (port, timeoutMs) => new BinaryTransport({ host: '127.0.0.1', port, timeoutMs })
})

testWithTransport({
  protocol: 'meta',
  nodeFlags: ['-B', 'ascii'],
  open: (port, timeoutMs) => new MetaTransport({ host: '127.0.0.1', port, timeoutMs, tls: null })
})
