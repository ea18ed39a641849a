// The wire view says what really crossed the wire: every call the playground makes is run on one
// real memcached through the tapped meta transport, and the lines the view shows for it are then
// typed, as they are, into a second fresh memcached over a plain socket. That node, having seen
// the same requests in the same order, must answer exactly what the view says the first answered.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { once } from 'node:events'
import { MemcacheClient, metaTransport } from '@memcache-session/client'
import { startCluster } from '../helper.ts'
import { onTheWire, tappedTransport, wireOf, type WireExchange } from '../../server/playground/wire-tap.ts'

/** A telnet of sorts: writes lines, reads until the answer ends with one of `ends`. */
class Typist {
  readonly #socket: Socket
  #buffer = ''
  constructor (socket: Socket) {
    this.#socket = socket
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => { this.#buffer += chunk })
  }

  async type (lines: string[], answerLines: number): Promise<string[]> {
    this.#buffer = ''
    this.#socket.write(lines.map((l) => `${l}\r\n`).join(''))
    while (this.#buffer.split('\r\n').length - 1 < answerLines) await once(this.#socket, 'data')
    return this.#buffer.split('\r\n').slice(0, -1)
  }
}

test('the wire view of each playground call, typed into a fresh memcached, gets the answers it shows', async (t) => {
  const [recorded, replayed] = await Promise.all([startCluster(t, [1], 'meta'), startCluster(t, [1], 'meta')])
  const client = new MemcacheClient({ servers: recorded.servers, transport: tappedTransport(metaTransport) })
  t.after(() => client.close())
  const socket = connect(replayed.servers[0]!.port, '127.0.0.1')
  await once(socket, 'connect')
  t.after(() => socket.destroy())
  const typist = new Typist(socket)

  const calls: Array<[string, () => Promise<unknown>]> = [
    ['set', () => client.set('pg:ns:k', 'v', 60)],
    ['add over an existing key', () => client.add('pg:ns:k', 'other', 60)],
    ['replace', () => client.replace('pg:ns:k', 'w', 60)],
    ['append', () => client.append('pg:ns:k', '!')],
    ['get', () => client.get('pg:ns:k')],
    ['get a missing key', () => client.get('pg:ns:missing')],
    ['set an integer', () => client.set('pg:ns:n', 10, 60)],
    ['incr', () => client.incr('pg:ns:n', 5)],
    ['incr a missing key', () => client.incr('pg:ns:missing')],
    ['incr on text', () => client.incr('pg:ns:k')],
    ['gets', () => client.gets('pg:ns:n')],
    ['a stale cas', () => client.compareAndSwap('pg:ns:n', 99, Buffer.from('00000000000003e7', 'hex'), 60)],
    ['setMulti', () => client.setMulti([['pg:ns:a', 'x'], ['pg:ns:b', 2]], 60)],
    ['getMulti', () => client.getMulti(['pg:ns:a', 'pg:ns:missing', 'pg:ns:b'])],
    ['deleteMulti', () => client.deleteMulti(['pg:ns:a', 'pg:ns:missing'])],
    ['deleteMulti, every key missing', () => client.deleteMulti(['pg:ns:gone', 'pg:ns:a', 'pg:ns:missing'])],
    ['delete', () => client.delete('pg:ns:k')],
    ['delete a missing key', () => client.delete('pg:ns:k')]
  ]
  const shown = new Map<string, string[]>()
  for (const [what, call] of calls) {
    let wire: WireExchange[]
    try {
      ({ wire } = await onTheWire(call))
    } catch (error) {
      wire = wireOf(error)
      assert.equal(what, 'incr on text', `${what}: ${(error as Error).message}`)
    }
    assert.equal(wire.length, 1, what)
    const [exchange] = wire
    assert.equal(exchange!.node, `127.0.0.1:${recorded.servers[0]!.port}`)
    // Every line as it was answered, a batch's too: each set's HD, each missing key's NF.
    const answer = await typist.type(exchange!.sent, exchange!.received.length)
    assert.deepEqual(answer, exchange!.received, what)
    shown.set(what, exchange!.received)
  }
  // A batch shows each key's own answer: no placeholder, no note in place of a line.
  assert.deepEqual(shown.get('setMulti'), ['HD O0', 'HD O1', 'MN'])
  assert.deepEqual(shown.get('deleteMulti'), ['NF O1', 'MN'])
  assert.deepEqual(shown.get('deleteMulti, every key missing'), ['NF O0', 'NF O1', 'NF O2', 'MN'])
  assert.deepEqual(shown.get('getMulti')!.filter((l) => l.startsWith('VA')).map((l) => l.split(' ').at(-1)), ['O0', 'O2'])
})

test('nothing is recorded outside a tapped run, nor after it ended', async (t) => {
  const [cluster] = await Promise.all([startCluster(t, [1], 'meta')])
  const client = new MemcacheClient({ servers: cluster.servers, transport: tappedTransport(metaTransport) })
  t.after(() => client.close())
  let later: Promise<unknown> | undefined
  const { wire } = await onTheWire(async () => {
    await client.set('pg:ns:k', 'v', 60)
    // A timer started inside the run (as a node's probe would be) runs after it: not this run's.
    later = new Promise((resolve) => setTimeout(() => resolve(client.get('pg:ns:k')), 20))
  })
  await later
  assert.deepEqual(wire.map((x) => x.sent[0]), ['ms pg:ns:k 1 MS c F16 T60'])
  assert.equal(await client.get('pg:ns:k'), 'v') // and untapped calls work as before
})
