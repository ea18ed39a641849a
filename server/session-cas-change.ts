// The session page's "CAS before and after": a change (POST /) knows the record's version and each
// copy's CAS token before and after its compare-and-swap, but the page that shows them is the GET
// its 303 leads to. They travel in that redirect's URL (`/?notice=saved&cas=…`), and the page
// shows them only when they are provably this change's:
//   - signed: HMAC-SHA256 under the cookie secret, over the numbers and the session id (which the
//     URL never holds), so a hand-made or edited URL, or one from another session, shows nothing;
//   - still true: the "after" of every copy must be what this very view read (the same version,
//     the same token on the same node). Once anything wrote the record since (another tab, another
//     change), the URL's numbers are history, and the page shows only the current version.
// Why not keep them server-side: in the session record they would be written to memcached and read
// by the Python original on every view; under a key of their own, every change would cost one more
// write and the next view one more read. In the URL they cost nothing and prove themselves.
// Nothing in them is secret (a CAS token names a version of the record, not the session).
import { createHmac, timingSafeEqual } from 'node:crypto'

export interface CopyCas {
  node: number
  /** null: the node held nothing before (the first change stores the record with add). */
  before: bigint | null
  after: bigint
}

export interface CasChange {
  /** The record's version (record-version.ts) before the change (null: nothing stored) and after it. */
  version: { before: number | null, after: number }
  copies: CopyCas[]
}

/** What a view read: the record's version and each copy's CAS token (Session.version, casTokens). */
export interface CasNow {
  version: number | null
  tokens: ReadonlyArray<{ node: number, cas: bigint }>
}

const MAX_COPIES = 2
const MAX_CAS = 2n ** 64n - 1n
const SIGNATURE_CHARS = 22 // 128 bits of the HMAC, base64url
const COPY = String.raw`\d{1,3}-\d{0,20}-\d{1,20}`
const SHAPE = new RegExp(String.raw`^(\d{0,10})-(\d{1,10})((?:\.${COPY}){1,${MAX_COPIES}})~([A-Za-z0-9_-]{${SIGNATURE_CHARS}})$`)

/** The change between two reads of a session, or null when it wrote nothing that can be shown. */
export function casChange (before: CasNow, after: CasNow): CasChange | null {
  if (after.version === null || after.tokens.length === 0) return null
  const old = new Map(before.tokens.map(({ node, cas }) => [node, cas]))
  return {
    version: { before: before.version, after: after.version },
    copies: after.tokens.map(({ node, cas }) => ({ node, before: old.get(node) ?? null, after: cas }))
  }
}

/** The value of the redirect's `cas` parameter: the numbers, and their signature under the first secret. */
export function signCasChange (secrets: readonly string[], sessionId: string, change: CasChange): string {
  const payload = payloadOf(change)
  return `${payload}~${signature(secrets[0]!, sessionId, payload)}`
}

/**
 * The change a `cas` parameter carries, when it verifies under one of `secrets` for this session
 * and every copy's "after" is what this view read now; otherwise null (the page shows only now).
 */
export function verifiedCasChange (secrets: readonly string[], sessionId: string, param: unknown, now: CasNow): CasChange | null {
  if (typeof param !== 'string') return null
  const match = SHAPE.exec(param)
  if (!match) return null
  const [, versionBefore, versionAfter, copyText, given] = match
  const payload = param.slice(0, param.length - SIGNATURE_CHARS - 1)
  const givenBytes = Buffer.from(given!)
  const signed = secrets.some((secret) => {
    const expected = Buffer.from(signature(secret, sessionId, payload))
    return expected.length === givenBytes.length && timingSafeEqual(expected, givenBytes)
  })
  if (!signed) return null
  const copies = copyText!.slice(1).split('.').map((text) => {
    const [node, before, after] = text.split('-')
    return { node: Number(node), before: before === '' ? null : BigInt(before!), after: BigInt(after!) }
  })
  const change: CasChange = { version: { before: versionBefore === '' ? null : Number(versionBefore), after: Number(versionAfter) }, copies }
  if (copies.some((c) => c.after > MAX_CAS || (c.before !== null && c.before > MAX_CAS))) return null
  return stillCurrent(change, now) ? change : null
}

/** Whether this view read exactly what the change wrote: same version, same token on every copy. */
function stillCurrent (change: CasChange, now: CasNow): boolean {
  if (now.version !== change.version.after || now.tokens.length !== change.copies.length) return false
  const read = new Map(now.tokens.map(({ node, cas }) => [node, cas]))
  return change.copies.every(({ node, after }) => read.get(node) === after)
}

function payloadOf ({ version, copies }: CasChange): string {
  return `${version.before ?? ''}-${version.after}${copies.map((c) => `.${c.node}-${c.before ?? ''}-${c.after}`).join('')}`
}

function signature (secret: string, sessionId: string, payload: string): string {
  return createHmac('sha256', secret).update(`cas-change:${sessionId}:${payload}`).digest('base64url').slice(0, SIGNATURE_CHARS)
}
