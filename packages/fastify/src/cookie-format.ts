// The two ways `uc` can be written, both plugged into @fastify/cookie as its signer:
//   fastify (default): `<id>.<created>[.new]` + "." + HMAC-SHA256 by @fastify/cookie's own Signer;
//                      the creation time enforces the absolute lifetime, `.new` marks an id not
//                      stored yet (lazy sessions, see session/open.ts).
//   tornado:           the bare id, signed as Tornado's set_secure_cookie does, so the Python
//                      original reads it and we read its cookies. Tornado's cookie carries nothing
//                      beside the id, so the absolute lifetime is off in this mode (Tornado's own
//                      31-day limit on the signature applies instead), and sessions are eager: with
//                      no room for a "not stored yet" marker, the first visit stores the record.
//
// A fastify-format cookie that verified is kept (VERIFIED_KEPT of them, keyed by the whole signed
// value): the same cookie on the next page view costs no HMAC. Only what verified is kept, so
// nothing is trusted that was not checked, and a flood of made-up cookies fills nothing. Its
// verdict does not depend on the time (the creation time it carries is checked on every request,
// open.ts); Tornado's does (its signature expires), so tornado cookies are checked every time.
import { Signer, type UnsignResult } from '@fastify/cookie'
import { BoundedCache } from './bounded-cache.ts'
import { formatSessionCookie, parseSessionCookie } from './cookie-value.ts'
import { isSessionId } from './ids.ts'
import { signTornadoV2, TORNADO_EXPIRES_DAYS, verifyTornado } from './tornado-signature.ts'

export type CookieFormatName = 'fastify' | 'tornado'

/** Verified cookies kept: 10,000 of about 100 characters, a few MB at most. */
const VERIFIED_KEPT = 10_000

/** What @fastify/cookie accepts as `secret` to sign and verify with code of our own. */
export interface CookieSigner {
  sign (value: string): string
  unsign (signed: string): UnsignResult
}

/** What a verified cookie says about its session. */
export interface CookieContent {
  id: string
  /** Unix seconds; null when the format does not carry it (tornado). */
  createdAt: number | null
  /** Issued by this app and never stored (only lazy formats carry this). */
  unstored: boolean
}

export interface CookieFormat {
  signer: CookieSigner
  /** Whether a new session waits for its first change before anything is stored. */
  lazy: boolean
  /** How the signed value is put into Set-Cookie. */
  encode?: (value: string) => string
  write (session: { id: string, createdAt: number, stored: boolean }): string
  read (value: string): CookieContent | null
  /** Cookie Max-Age for a session created at `createdAt`. */
  maxAgeSeconds (createdAt: number, absoluteLifetime: number, now: number): number
}

export function cookieFormat (name: CookieFormatName, cookieName: string, secrets: string[]): CookieFormat {
  if (name === 'tornado') {
    return {
      signer: {
        sign: (value) => signTornadoV2(secrets[0]!, cookieName, value, Math.floor(Date.now() / 1000)),
        unsign: (signed): UnsignResult => {
          // Tornado sends the value in double quotes (its "=" padding is not legal unquoted for
          // Python's SimpleCookie); the `cookie` parser keeps them, Tornado's own parser drops them.
          const unquoted = signed.length >= 2 && signed.startsWith('"') && signed.endsWith('"') ? signed.slice(1, -1) : signed
          const verified = verifyTornado(secrets, cookieName, unquoted, Math.floor(Date.now() / 1000))
          return verified ? { valid: true, renew: verified.secretIndex > 0, value: verified.value } : { valid: false, renew: false, value: null }
        }
      },
      // The value's "|", ":" and "=" are legal cookie characters; Tornado's parser does no %-decoding.
      encode: (value) => value,
      lazy: false,
      write: ({ id }) => id,
      read: (value) => (isSessionId(value) ? { id: value, createdAt: null, unstored: false } : null),
      maxAgeSeconds: () => TORNADO_EXPIRES_DAYS * 86400
    }
  }
  const signer = new Signer(secrets, 'sha256')
  const verified = new BoundedCache<string, UnsignResult>(VERIFIED_KEPT)
  return {
    signer: {
      sign: (value) => signer.sign(value),
      unsign: (signed) => {
        // A copy of the kept verdict: the app may change what it is handed.
        const held = verified.peek(signed)
        if (held) return { ...held }
        const result = signer.unsign(signed)
        if (result.valid) verified.set(signed, { ...result })
        return result
      }
    },
    lazy: true,
    write: ({ id, createdAt, stored }) => formatSessionCookie({ id, createdAt, unstored: !stored }),
    read: parseSessionCookie,
    maxAgeSeconds: (createdAt, absoluteLifetime, now) => Math.max(0, createdAt + absoluteLifetime - now)
  }
}
