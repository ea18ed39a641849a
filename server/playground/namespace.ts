// Each visitor's own playground keys. A key typed as `k` is stored as `pg:<ns>:k`, where <ns> is a
// keyed hash of the visitor's session id: two learners never see or break each other's keys, the id
// itself never shows (the stored key appears in the page and in /cluster links), and no stored key
// can equal a session key (session ids are 32 hex characters, playground keys start with `pg:`).
// The visitor's transcript history lives beside the keys, at `pg:<ns>` (no key typed here can
// reach it: every typed key gets the `pg:<ns>:` prefix, colon included).
import { createHmac } from 'node:crypto'

export const PLAYGROUND_PREFIX = 'pg:'
/** 16 hex characters: 64 bits, so two visitors' namespaces do not collide by chance. */
const NAMESPACE_HEX = 16
/** memcached's 250 bytes less `pg:<ns>:`. */
export const MAX_KEY_BYTES = 250 - PLAYGROUND_PREFIX.length - NAMESPACE_HEX - 1

export interface Namespace {
  /** `pg:<ns>:`, the prefix of every key this visitor types. */
  readonly keyPrefix: string
  /** Where this visitor's history is kept. */
  readonly historyKey: string
}

export function visitorNamespace (secret: string, sessionId: string): Namespace {
  const hash = createHmac('sha256', secret).update(`playground namespace\0${sessionId}`).digest('hex').slice(0, NAMESPACE_HEX)
  return { keyPrefix: `${PLAYGROUND_PREFIX}${hash}:`, historyKey: `${PLAYGROUND_PREFIX}${hash}` }
}
