// CSRF tokens bound to the session: HMAC-SHA256 of the session id under the cookie secret. A page
// embeds the token of its own session; a POST must bring it back. Nothing extra is stored, and a
// token from another session (or none) does not verify. Every secret verifies, for rotation.
// Bound to the id the signed cookie carries, not to a stored record: a lazy session (nothing in
// memcached yet, see open.ts) already has its id, so its first POST verifies.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const CSRF_FIELD = '_csrf'

function tokenFor (secret: string, sessionId: string): string {
  return createHmac('sha256', secret).update(`csrf:${sessionId}`).digest('base64url')
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
