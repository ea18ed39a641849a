import { test } from 'node:test'
import assert from 'node:assert/strict'
import { csrfToken, verifyCsrfToken } from '../src/csrf.ts'
import { formatSessionCookie, parseSessionCookie } from '../src/cookie-value.ts'
import { isSessionId, newSessionId } from '../src/ids.ts'
import { decodeRecord, encodeRecord } from '../src/record.ts'
import { SessionConflictError, SessionGoneError, SessionInputError, SessionLimitError } from '../src/errors.ts'

test('session ids: 32 lowercase hex, never repeated', () => {
  const ids = new Set(Array.from({ length: 1000 }, newSessionId))
  assert.equal(ids.size, 1000)
  for (const id of ids) assert.ok(isSessionId(id))
  assert.equal(isSessionId('A'.repeat(32)), false)
})

test('csrf: bound to the session, verified under any secret, refused otherwise', () => {
  const id = newSessionId()
  const token = csrfToken(['new', 'old'], id)
  assert.equal(verifyCsrfToken(['new', 'old'], id, token), true)
  assert.equal(verifyCsrfToken(['newer', 'new'], id, token), true) // rotated: still verifies
  assert.equal(verifyCsrfToken(['new'], newSessionId(), token), false)
  assert.equal(verifyCsrfToken(['new'], id, token.slice(1)), false)
  assert.equal(verifyCsrfToken(['new'], id, undefined), false)
  assert.equal(verifyCsrfToken(['new'], id, ['x']), false)
})

test('cookie value carries id, creation time and the "not stored yet" mark, and nothing malformed parses', () => {
  const id = newSessionId()
  for (const unstored of [false, true]) {
    assert.deepEqual(parseSessionCookie(formatSessionCookie({ id, createdAt: 1700000000, unstored })), { id, createdAt: 1700000000, unstored })
  }
  assert.equal(formatSessionCookie({ id, createdAt: 5, unstored: true }), `${id}.5.new`)
  for (const bad of ['', id, `${id}.`, `${id}.x`, `${id.toUpperCase()}.1`, `${id}0.1`, `${id}.1.2`, `${id}.1.new.new`, `${id}.1.NEW`, `${id}..new`, '.1.new']) {
    assert.equal(parseSessionCookie(bad), null, bad)
  }
})

test('records are the JSON dict the Python original writes, and only dicts are sessions', () => {
  const data = new Map<string, unknown>([['__proto__', 'a'], ['n', 1]])
  assert.equal(encodeRecord(data), '{"__proto__":"a","n":1}')
  assert.deepEqual(decodeRecord('{"__proto__": "a", "n": 1}'), data)
  assert.deepEqual(decodeRecord(Buffer.from('{"k": "v"}')), new Map([['k', 'v']]))
  for (const bad of ['[]', 'null', '"x"', '{', '']) assert.equal(decodeRecord(bad), null, bad)
  assert.equal(decodeRecord(5), null)
})

test('session errors carry a stable code beside their HTTP status', () => {
  const codes = [new SessionLimitError('x'), new SessionInputError('x'), new SessionConflictError(), new SessionGoneError()].map((e) => [e.code, e.statusCode])
  assert.deepEqual(codes, [['MC_SESSION_ERR_LIMIT', 413], ['MC_SESSION_ERR_INPUT', 400], ['MC_SESSION_ERR_CONFLICT', 409], ['MC_SESSION_ERR_GONE', 409]])
})
