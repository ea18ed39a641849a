import { test } from 'node:test'
import assert from 'node:assert/strict'
import { FormEncodingError, parseForm } from '../server/forms.ts'

test('decodes fields, + as space, UTF-8 escapes', () => {
  assert.deepEqual({ ...parseForm('action=set&key=caf%C3%A9&val=a+b%2Bc&empty=&flag') }, { action: 'set', key: 'café', val: 'a b+c', empty: '', flag: '' })
})

test('repeated names become arrays (which the schema refuses)', () => {
  assert.deepEqual({ ...parseForm('k=1&k=2&k=3') }, { k: ['1', '2', '3'] })
})

test('__proto__ is an ordinary field name', () => {
  const fields = parseForm('__proto__=x&constructor=y')
  assert.equal(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value, 'x')
  assert.equal(Object.getPrototypeOf(fields), null)
})

test('malformed escapes are a 400, not kept as text', () => {
  for (const body of ['key=%E0%A4%A', 'key=%ZZ', '%=1', 'a=%']) {
    assert.throws(() => parseForm(body), (e: unknown) => e instanceof FormEncodingError && e.statusCode === 400, body)
  }
})
