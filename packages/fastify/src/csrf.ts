// CSRF tokens bound to the session: HMAC-SHA256 of the session id under the cookie secret. A page
// embeds the token of its own session; a POST must bring it back. Nothing extra is stored, and a
// token from another session (or none) does not verify. Every secret verifies, for rotation.
// Bound to the id the signed cookie carries, not to a stored record: a lazy session (nothing in
// memcached yet, see open.ts) already has its id, so its first POST verifies.
//
// A session's token is the same on every page view, so the last tokens made are kept (TOKENS_KEPT
// of them, whatever the secret): a page view of a session seen lately costs no HMAC for its form,
// nor its POST for the check.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { BoundedCache } from './bounded-cache.ts'

export const CSRF_FIELD = '_csrf'

/** 10,000 tokens of 43 characters, keyed by secret and id: a few MB at most, for every secret together. */
const TOKENS_KEPT = 10_000
const tokens = new BoundedCache<string, string>(TOKENS_KEPT)

function tokenFor (secret: string, sessionId: string): string {
  return tokens.get(`${secret}\0${sessionId}`, () => createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url'))
}

export function csrfToken (secrets: readonly string[], sessionId: string): string {
  return tokenFor(secrets[0]!, sessionId)
}

export function verifyCsrfToken (secrets: readonly string[], sessionId: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length === 0) return false
  const given = Buffer.from(token)
  return secrets.some((secret) => {
    const expected = Buffer.from(tokenFor(secret, sessionId))
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}
