// Pure pieces of the client: request bytes, key rules and value flags.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildRequest, counterExtras, expiryExtras, Opcode, storageExtras } from '../src/binary/protocol.ts'
import { encodeKey } from '../src/keys.ts'
import { decodeValue, encodeValue, FLAG_INTEGER, FLAG_TEXT } from '../src/values.ts'
import { deflateSync } from 'node:zlib'

test('a SET with a CAS token carries it in header bytes 16-23', () => {
  const cas = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])
  const buf = buildRequest({ opcode: Opcode.SET, key: Buffer.from('k'), extras: storageExtras(FLAG_TEXT, 60), value: Buffer.from('v'), cas }, 7)
  assert.deepEqual([...buf], [
    0x80, 0x01, 0x00, 0x01, 0x08, 0x00, 0x00, 0x00, // magic, SET, key length 1, extras 8
    0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x07, // body 10, opaque 7
    1, 2, 3, 4, 5, 6, 7, 8, // cas
    0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x3c, // flags 16, expiry 60
    0x6b, 0x76 // "k", "v"
  ])
})

test('GAT, PREPEND and counters use the right opcodes and extras', () => {
  const gat = buildRequest({ opcode: Opcode.GAT, key: Buffer.from('k'), extras: expiryExtras(1200) }, 1)
  assert.equal(gat[1], 0x1d)
  assert.deepEqual([...gat.subarray(24, 28)], [0x00, 0x00, 0x04, 0xb0])
  assert.equal(buildRequest({ opcode: Opcode.PREPEND, key: Buffer.from('k'), value: Buffer.from('v') }, 1)[1], 0x0f)
  assert.deepEqual([...counterExtras(5000000001n)], [0, 0, 0, 1, 0x2a, 0x05, 0xf2, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff])
})

test('key rules: bytes, not characters; no spaces or control characters', () => {
  assert.equal(encodeKey('é'.repeat(125)).length, 250)
  assert.throws(() => encodeKey('é'.repeat(126)), /252 bytes/)
  assert.throws(() => encodeKey('a b'), /0x20/)
  assert.throws(() => encodeKey('abc\n'), /0x0a/) // python-memcached lets this one through
  assert.throws(() => encodeKey('a\x7f'), /0x7f/)
  assert.throws(() => encodeKey(''), /empty/)
})

test('value flags as python-memcached writes and reads them', () => {
  assert.deepEqual(encodeValue('é'), { bytes: Buffer.from('é'), flags: FLAG_TEXT })
  assert.deepEqual(encodeValue(-42), { bytes: Buffer.from('-42'), flags: FLAG_INTEGER })
  assert.deepEqual(encodeValue(Buffer.from([1])), { bytes: Buffer.from([1]), flags: 0 })
  assert.throws(() => encodeValue(1.5), /non-integer/)
  assert.throws(() => encodeValue('x'.repeat(10), 5), /10 bytes; the limit is 5/)
  assert.equal(decodeValue(Buffer.from('12345678901234567890'), FLAG_INTEGER), 12345678901234567890n)
  assert.equal(decodeValue(deflateSync(Buffer.from('zipped')), 24), 'zipped') // compressed str
  assert.throws(() => decodeValue(Buffer.from('(dp0\n.'), 1), /pickle/)
  assert.throws(() => decodeValue(Buffer.from('x'), 0x20), /unknown flags/)
  assert.throws(() => decodeValue(Buffer.from('abc'), FLAG_INTEGER), /not a number/)
})
