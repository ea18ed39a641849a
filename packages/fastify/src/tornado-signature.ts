// Tornado's signed cookie values (`set_secure_cookie` / `get_secure_cookie`), so the Python
// original and this port can read each other's `uc` cookie, as Tornado 6.2's web.py does it
// (vectors the real Tornado made: test/fixtures/vectors/tornado-cookie-vectors.json).
//
//   v2: 2|<len>:<key version>|<len>:<timestamp>|<len>:<name>|<len>:<base64 value>|<hex HMAC-SHA256>
//       the HMAC covers everything before it, including the last "|"; lengths count code points.
//   v1: <base64 value>|<timestamp>|<hex HMAC-SHA1(name + base64 value + timestamp)>  (read only)
import { createHmac, timingSafeEqual } from 'node:crypto'

/** get_secure_cookie's default max_age_days. */
export const TORNADO_MAX_AGE_DAYS = 31
/** set_secure_cookie's default expires_days. */
export const TORNADO_EXPIRES_DAYS = 30

function field (text: string): string {
  return `${[...text].length}:${text}`
}

export function signTornadoV2 (secret: string, name: string, value: string, timestamp: number, keyVersion = 0): string {
  const toSign = `2|${field(String(keyVersion))}|${field(String(timestamp))}|${field(name)}|${field(Buffer.from(value, 'utf8').toString('base64'))}|`
  return toSign + createHmac('sha256', secret).update(toSign).digest('hex')
}

export interface VerifiedValue {
  value: string
  /** Which secret verified it (0 = the signing one). */
  secretIndex: number
}

/**
 * The value inside a Tornado-signed cookie, or null when it is malformed, signed by none of
 * `secrets`, made for another cookie name, or older than `maxAgeDays` (the boundary second is
 * accepted; v2, like Tornado, has no check for timestamps in the future).
 */
export function verifyTornado (secrets: readonly string[], name: string, signed: string, nowSeconds: number, maxAgeDays = TORNADO_MAX_AGE_DAYS): VerifiedValue | null {
  const version = /^([1-9][0-9]*)\|/.exec(signed)
  const oldest = nowSeconds - maxAgeDays * 86400
  if (version && Number(version[1]) <= 999) return version[1] === '2' ? verifyV2(secrets, name, signed, oldest) : null
  return verifyV1(secrets, name, signed, oldest, nowSeconds + maxAgeDays * 86400)
}

function verifyV2 (secrets: readonly string[], name: string, signed: string, oldest: number): VerifiedValue | null {
  let rest = signed.slice(2)
  const fields: string[] = []
  for (let i = 0; i < 4; i++) {
    const colon = rest.indexOf(':')
    const length = rest.slice(0, colon)
    if (colon < 1 || !/^\d+$/.test(length)) return null
    const chars = [...rest.slice(colon + 1)]
    const n = Number(length)
    if (chars[n] !== '|') return null
    fields.push(chars.slice(0, n).join(''))
    rest = chars.slice(n + 1).join('')
  }
  const [, timestamp, nameField, value] = fields as [string, string, string, string]
  const signature = rest
  const signedPart = signed.slice(0, signed.length - signature.length)
  const secretIndex = secrets.findIndex((secret) => sameHex(signature, createHmac('sha256', secret).update(signedPart).digest('hex')))
  if (secretIndex < 0 || nameField !== name || !/^\d+$/.test(timestamp) || Number(timestamp) < oldest) return null
  return { value: Buffer.from(value, 'base64').toString('utf8'), secretIndex }
}

function verifyV1 (secrets: readonly string[], name: string, signed: string, oldest: number, newest: number): VerifiedValue | null {
  const parts = signed.split('|')
  if (parts.length !== 3) return null
  const [value, timestamp, signature] = parts as [string, string, string]
  const secretIndex = secrets.findIndex((secret) => sameHex(signature, createHmac('sha1', secret).update(name + value + timestamp).digest('hex')))
  if (secretIndex < 0 || !/^[1-9]\d*$/.test(timestamp)) return null
  const ts = Number(timestamp)
  if (ts < oldest || ts > newest) return null
  return { value: Buffer.from(value, 'base64').toString('utf8'), secretIndex }
}

/** Constant-time comparison of the given signature with the expected lowercase hex. */
function sameHex (given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** When a Tornado-signed value (`2|1:0|10:<seconds>|…`, maybe quoted) was signed; 0 when it says nothing. */
export function tornadoSignedAt (raw: string): number {
  const match = /^"?2\|\d+:\d+\|\d+:(\d+)\|/.exec(raw)
  return match ? Number(match[1]) : 0
}
