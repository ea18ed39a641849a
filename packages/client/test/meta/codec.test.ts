// The meta protocol's bytes: what we send, and how answers are cut out of a byte stream.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { arithmeticRequest, casOf, deleteRequest, getRequest, noopRequest, ResponseParser, storeRequest, touchRequest } from '../../src/meta/codec.ts'

const key = Buffer.from('k')
const text = (request: readonly Buffer[]) => Buffer.concat(request).toString('latin1')

test('requests are meta command lines', () => {
  assert.equal(text(getRequest(key)), 'mg k v c f\r\n')
  assert.equal(text(getRequest(key, { touchTtl: 1200 })), 'mg k v c f T1200\r\n')
  assert.equal(text(getRequest(key, { quiet: true, opaque: 7 })), 'mg k v c f q O7\r\n')
  assert.equal(text(touchRequest(key, 60)), 'mg k T60\r\n')
  assert.equal(text(storeRequest(key, Buffer.from('abc'), { mode: 'set', flags: 16, ttl: 0 })), 'ms k 3 MS c F16 T0\r\nabc\r\n')
  assert.equal(text(storeRequest(key, Buffer.from('abc'), { mode: 'add', flags: 2, ttl: 30 })), 'ms k 3 ME c F2 T30\r\nabc\r\n')
  assert.equal(text(storeRequest(key, Buffer.from('z'), { mode: 'set', flags: 16, ttl: 5, cas: 18446744073709551615n })), 'ms k 1 MS c F16 T5 C18446744073709551615\r\nz\r\n')
  assert.equal(text(storeRequest(key, Buffer.from('d'), { mode: 'append' })), 'ms k 1 MA c\r\nd\r\n')
  assert.equal(text(storeRequest(key, Buffer.from('_'), { mode: 'prepend', quiet: true, opaque: 3 })), 'ms k 1 MP c q O3\r\n_\r\n')
  assert.equal(text(storeRequest(key, Buffer.from('b'), { mode: 'set', flags: 0, ttl: 9, opaque: 2, returnCas: false })), 'ms k 1 MS F0 T9 O2\r\nb\r\n') // a batch's set: no token asked
  assert.equal(text(deleteRequest(key)), 'md k\r\n')
  assert.equal(text(deleteRequest(key, { cas: 7n, quiet: true })), 'md k C7 q\r\n')
  assert.equal(text(arithmeticRequest(key, 'incr', 5n)), 'ma k MI D5 v\r\n')
  assert.equal(text(arithmeticRequest(key, 'decr', 18446744073709551615n)), 'ma k MD D18446744073709551615 v\r\n')
  assert.equal(text(noopRequest()), 'mn\r\n')
})

test('a key is sent as its UTF-8 bytes', () => {
  assert.deepEqual([...Buffer.concat(getRequest(Buffer.from('é')))].slice(3, 5), [0xc3, 0xa9])
})

test('answers are cut out of the stream whatever the chunking, values included', () => {
  const stream = Buffer.from('VA 5 c3 f16 O9\r\nhe\r\no\r\nEN\r\nHD\r\nSTAT pid 42\r\nEND\r\nMN\r\n', 'latin1')
  for (let size = 1; size <= stream.length; size++) {
    const parser = new ResponseParser()
    const responses = []
    for (let at = 0; at < stream.length; at += size) responses.push(...parser.push(stream.subarray(at, at + size)))
    assert.deepEqual(responses.map((r) => r.code), ['VA', 'EN', 'HD', 'STAT', 'END', 'MN'], `chunks of ${size}`)
    assert.equal(responses[0]!.value!.toString(), 'he\r\no', 'a value may contain CRLF')
    assert.equal(casOf(responses[0]!), 3n)
    assert.equal(responses[0]!.flags.get('f'), '16')
    assert.equal(responses[0]!.flags.get('O'), '9')
    assert.equal(responses[3]!.text, 'pid 42')
    assert.equal(parser.bufferedBytes, 0)
  }
})

test('a large value arriving in many chunks is whole, and so is the answer after it in the same chunk', () => {
  const value = Buffer.alloc(300_000, 0x3c)
  value.write('\r\n', 1000)
  const stream = Buffer.concat([Buffer.from(`VA ${value.length} f16\r\n`), value, Buffer.from('\r\nHD\r\n')])
  const parser = new ResponseParser()
  const responses = []
  for (let at = 0; at < stream.length; at += 1000) {
    responses.push(...parser.push(stream.subarray(at, at + 1000)))
    if (responses.length === 0) assert.equal(parser.bufferedBytes, Math.min(at + 1000, stream.length) - stream.indexOf('\r\n') - 2, 'every byte of the value so far is held')
  }
  assert.deepEqual(responses.map((r) => r.code), ['VA', 'HD'])
  assert.ok(responses[0]!.value!.equals(value))
  assert.equal(parser.bufferedBytes, 0)
})

test('a small value is its own bytes, not a view that would keep the large chunk it came in', () => {
  const chunk = Buffer.concat([Buffer.from('VA 2 f16\r\nhi\r\n'), Buffer.from(`VA 40000 f16\r\n${'x'.repeat(40_000)}\r\n`)])
  const [small, large] = new ResponseParser().push(chunk)
  assert.equal(small!.value!.toString(), 'hi')
  assert.notEqual(small!.value!.buffer, chunk.buffer, 'detached from the 40 KB chunk')
  assert.equal(large!.value!.length, 40_000)
  assert.equal(large!.value!.buffer, chunk.buffer, 'a large value is a view of its chunk: no copy')
})

test('errors keep their message; an endless line is refused', () => {
  const parser = new ResponseParser()
  const [error] = parser.push(Buffer.from('CLIENT_ERROR bad data chunk\r\n'))
  assert.equal(error!.code, 'CLIENT_ERROR')
  assert.equal(error!.text, 'bad data chunk')
  assert.throws(() => new ResponseParser().push(Buffer.alloc(10_000, 0x41)), /longer than/)
})

test('a large value is written beside its command line, not copied into one buffer', () => {
  const value = Buffer.alloc(20_000, 0x61)
  const request = storeRequest(key, value, { mode: 'set', flags: 16, ttl: 60 })
  assert.equal(request.length, 3)
  assert.equal(request[1], value, 'the value itself')
  assert.equal(text(request), `ms k 20000 MS c F16 T60\r\n${'a'.repeat(20_000)}\r\n`)
  assert.equal(storeRequest(key, Buffer.from('small'), { mode: 'set' }).length, 1, 'a small one rides in one buffer')
})
