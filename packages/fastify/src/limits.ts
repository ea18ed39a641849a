// Size limits of a session, all well under memcached's 1 MiB item limit.
//
// Chosen from what a page view must do, not from what memcached could hold: every view reads the
// whole record from both copies and parses the current one, whatever part of it the page shows (50
// keys, values cut to 200 characters: server/session-view.ts). At 512 KiB that cost about 6 ms of
// CPU per view, so one client replaying a full session's page took most of the event loop from
// everyone else; at 64 KiB it is about an eighth of that (`npm run bench:big-session`). The
// limits bound what this app writes: a record the Python original wrote (up to memcached's 1 MiB)
// is still read, and a change to a session already over them is refused unless it shrinks it. A session is for a
// visitor's small state (the tutorial's holds a few short keys); larger data belongs in a store of
// its own, keyed from the session.
import { SessionInputError, SessionLimitError } from './errors.ts'

export interface SessionLimits {
  /** Characters in one key. */
  maxKeyLength: number
  /** UTF-8 bytes of one value. */
  maxValueBytes: number
  /** UTF-8 bytes of the whole session as stored (its JSON text). */
  maxSessionBytes: number
  maxKeys: number
}

export const DEFAULT_LIMITS: SessionLimits = {
  maxKeyLength: 250,
  maxValueBytes: 16 * 1024,
  maxSessionBytes: 64 * 1024,
  maxKeys: 1000
}

export function checkKey (key: string, limits: SessionLimits): void {
  if (key.length === 0) throw new SessionInputError('The key must not be empty.')
  if (key.length > limits.maxKeyLength) {
    throw new SessionLimitError(`The key is ${key.length} characters long; the limit is ${limits.maxKeyLength}.`)
  }
}

/**
 * Checks a value and returns what the session keeps of it: a string as it is (its limit counts
 * its UTF-8 bytes), anything else as its JSON text parsed back (counted as that text), so the
 * session holds what memcached holds, not the caller's object, which the caller may change later.
 */
export function checkValue (value: unknown, limits: SessionLimits): unknown {
  let text: string | undefined
  if (typeof value === 'string') {
    text = value
  } else {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new SessionInputError(`A session value must be JSON: ${value} is not a JSON number.`)
    try {
      text = JSON.stringify(value)
    } catch (error) {
      throw new SessionInputError(`A session value must be JSON: ${(error as Error).message}`)
    }
    if (text === undefined) throw new SessionInputError(`A session value must be JSON, not ${typeof value}.`)
  }
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > limits.maxValueBytes) {
    throw new SessionLimitError(`The value is ${formatBytes(bytes)}; the limit is ${formatBytes(limits.maxValueBytes)}.`)
  }
  return typeof value === 'string' ? value : JSON.parse(text)
}

export function formatBytes (bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`
}
