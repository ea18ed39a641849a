// What the signed `uc` cookie carries: the session id, when the session was created, and whether
// memcached holds a record for it yet, so the absolute lifetime is enforced and lazy sessions work
// without putting anything but the user's data into memcached (the Python original reads that
// record). Form: `<32 hex id>.<unix seconds>`, plus `.new` while nothing has been stored; then signed.
import { isSessionId } from './ids.ts'

export interface SessionCookie {
  id: string
  createdAt: number
  /** True while this app has issued the id but never stored a record under it. */
  unstored: boolean
}

export const UNSTORED_MARKER = 'new'

export function formatSessionCookie ({ id, createdAt, unstored }: SessionCookie): string {
  return unstored ? `${id}.${createdAt}.${UNSTORED_MARKER}` : `${id}.${createdAt}`
}

export function parseSessionCookie (value: string): SessionCookie | null {
  const parts = value.split('.')
  if (parts.length !== 2 && !(parts.length === 3 && parts[2] === UNSTORED_MARKER)) return null
  const [id, created] = parts as [string, string]
  if (!isSessionId(id) || !/^\d{1,12}$/.test(created)) return null
  return { id, createdAt: Number(created), unstored: parts.length === 3 }
}
