// What the signed `uc` cookie carries: the session id and when the session was created, so the
// absolute lifetime is enforced without putting anything but the user's data into memcached
// (the Python original reads that record). Form: `<32 hex id>.<unix seconds>`, then signed.
import { isSessionId } from './ids.ts'

export interface SessionCookie {
  id: string
  createdAt: number
}

export function formatSessionCookie ({ id, createdAt }: SessionCookie): string {
  return `${id}.${createdAt}`
}

export function parseSessionCookie (value: string): SessionCookie | null {
  const dot = value.indexOf('.')
  if (dot !== 32) return null
  const id = value.slice(0, dot)
  const created = value.slice(dot + 1)
  if (!isSessionId(id) || !/^\d{1,12}$/.test(created)) return null
  return { id, createdAt: Number(created) }
}
