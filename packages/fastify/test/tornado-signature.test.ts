// Our Tornado signer against the values the real Tornado made (test/fixtures/vectors, see its README).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createHmac } from 'node:crypto'
import { signTornadoV2, verifyTornado } from '../src/tornado-signature.ts'

interface Vector {
  secret: string
  name: string
  value: string
  timestamp: number
  key_version: number
  signed: string
  string_to_sign: string
  decode_checks: { max_age_days: number, valid_until_clock_inclusive: number, None_at_clock: number, future_timestamp_accepted: boolean }
}
const vectors: Vector[] = JSON.parse(readFileSync(new URL('../../../test/fixtures/vectors/tornado-cookie-vectors.json', import.meta.url), 'utf8'))

test(`reproduces and verifies all ${vectors.length} Tornado vectors`, () => {
  assert.equal(vectors.length, 3)
  for (const v of vectors) {
    assert.equal(signTornadoV2(v.secret, v.name, v.value, v.timestamp, v.key_version), v.signed)
    assert.deepEqual(verifyTornado([v.secret], v.name, v.signed, v.timestamp), { value: v.value, secretIndex: 0 })
  }
})

test('the max-age rule, to the second, and no check for the future', () => {
  for (const v of vectors) {
    const { valid_until_clock_inclusive: lastGood, None_at_clock: firstBad } = v.decode_checks
    assert.notEqual(verifyTornado([v.secret], v.name, v.signed, lastGood), null)
    assert.equal(verifyTornado([v.secret], v.name, v.signed, firstBad), null)
    assert.notEqual(verifyTornado([v.secret], v.name, v.signed, v.timestamp - 365 * 86400), null)
  }
})

test('rejects a changed name, value, timestamp or signature, and uppercase hex', () => {
  const v = vectors[0]!
  const secrets = [v.secret]
  const at = v.timestamp
  assert.equal(verifyTornado(secrets, 'other', v.signed, at), null)
  assert.equal(verifyTornado(secrets, v.name, v.signed.replace('|2:uc|', '|2:ux|'), at), null)
  assert.equal(verifyTornado(secrets, v.name, v.signed.replace('ZDNj', 'ZDNk'), at), null)
  assert.equal(verifyTornado(secrets, v.name, v.signed.replace('1700000000', '1700000001'), at), null)
  assert.equal(verifyTornado(secrets, v.name, v.signed.slice(0, -1) + (v.signed.endsWith('0') ? '1' : '0'), at), null)
  const sig = v.signed.slice(v.signed.lastIndexOf('|') + 1)
  assert.equal(verifyTornado(secrets, v.name, v.signed.replace(sig, sig.toUpperCase()), at), null)
  assert.equal(verifyTornado(['wrong-secret'], v.name, v.signed, at), null)
  for (const garbage of ['', '2|', '2|x:0|', '2|1:0|10:1700000000|2:uc|4:abc', '3|1:0|', '|||', 'a|b']) {
    assert.equal(verifyTornado(secrets, v.name, garbage, at), null, garbage)
  }
})

test('rotation: an older secret verifies and says so', () => {
  const v = vectors[1]!
  assert.deepEqual(verifyTornado(['newer-secret', v.secret], v.name, v.signed, v.timestamp), { value: v.value, secretIndex: 1 })
})

test('version-1 values are read', () => {
  const secret = 'demo'
  const b64 = Buffer.from('abc').toString('base64')
  const ts = '1700000000'
  const sig = createHmac('sha1', secret).update('uc' + b64 + ts).digest('hex')
  assert.deepEqual(verifyTornado([secret], 'uc', `${b64}|${ts}|${sig}`, 1700000000), { value: 'abc', secretIndex: 0 })
  assert.equal(verifyTornado([secret], 'other', `${b64}|${ts}|${sig}`, 1700000000), null)
  assert.equal(verifyTornado([secret], 'uc', `${b64}|${ts}|${sig}`, 1700000000 + 32 * 86400), null)
})
