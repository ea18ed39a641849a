import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseLiteral, pythonRepr, reprLimited } from '../server/playground/python-repr.ts'

test('values print as Python prints them', () => {
  assert.equal(pythonRepr('v'), "'v'")
  assert.equal(pythonRepr("it's"), '"it\'s"')
  assert.equal(pythonRepr('a\'b"c'), "'a\\'b\"c'")
  assert.equal(pythonRepr('line\n'), "'line\\n'")
  assert.equal(pythonRepr(10), '10')
  assert.equal(pythonRepr(2n ** 70n), '1180591620717411303424')
  assert.equal(pythonRepr(undefined), 'None')
  assert.equal(pythonRepr(true), 'True')
  assert.equal(pythonRepr(Buffer.from([0x00, 0x41, 0xff])), "b'\\x00A\\xff'")
  assert.equal(pythonRepr(['a', 1]), "['a', 1]")
  assert.equal(pythonRepr(new Map<string, number | string>([['a', 1], ['b', 'x']])), "{'a': 1, 'b': 'x'}")
})

test('typed values read like Python literals', () => {
  assert.equal(parseLiteral('10'), 10)
  assert.equal(parseLiteral(' -3 '), -3)
  assert.equal(parseLiteral('99999999999999999999'), 99999999999999999999n)
  assert.equal(parseLiteral("'10'"), '10')
  assert.equal(parseLiteral('"x y"'), 'x y')
  assert.equal(parseLiteral('hello'), 'hello')
  assert.equal(parseLiteral('1.5'), '1.5')
})

test('long values are cut at the limit, with a flag the transcript turns into a note', () => {
  assert.deepEqual(reprLimited('short', 20), { text: "'short'", truncated: false })
  const long = reprLimited('x'.repeat(100_000), 50)
  assert.equal(long.truncated, true)
  assert.equal(long.text, `'${'x'.repeat(49)}…`)
  const many = new Map<string, string>(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v'.repeat(60_000)]))
  const cut = reprLimited(many, 2000)
  assert.equal(cut.text.length, 2001)
  assert.ok(cut.text.startsWith("{'k0': 'vvv"))
  // Within the limit, the same text as the full repr.
  const small = new Map<string, string | number>([['a', 1], ['b', "it's"]])
  assert.deepEqual(reprLimited(small), { text: pythonRepr(small), truncated: false })
  assert.deepEqual(reprLimited(['a', Buffer.from('b')]), { text: "['a', b'b']", truncated: false })
})
