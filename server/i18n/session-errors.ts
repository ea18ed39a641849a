// What the session package refuses (@memcache-session/fastify: a key or value over its limit, a
// session too big, a lost compare-and-swap, a session gone mid-change), in the page's language. The
// package speaks English and gives each error a stable class and code, not its numbers apart: the
// numbers are read back from its message. A message this does not know is shown as it is.
import { SessionConflictError, SessionGoneError, type SessionError } from '@memcache-session/fastify'

export interface SessionErrorWords {
  keyTooLong: (length: string, limit: string) => string
  valueTooBig: (size: string, limit: string) => string
  tooManyKeys: (limit: string) => string
  sessionTooBig: (size: string, limit: string) => string
  emptyKey: string
  conflict: string
  gone: string
}

const PATTERNS: Array<[RegExp, (words: SessionErrorWords, m: RegExpExecArray) => string]> = [
  [/^The key is (\d+) characters long; the limit is (\d+)\.$/, (w, m) => w.keyTooLong(m[1]!, m[2]!)],
  [/^The value is (.+); the limit is (.+)\.$/, (w, m) => w.valueTooBig(m[1]!, m[2]!)],
  [/^A session holds at most (\d+) keys\.$/, (w, m) => w.tooManyKeys(m[1]!)],
  [/^The session would be (.+); the limit is (.+)\.$/, (w, m) => w.sessionTooBig(m[1]!, m[2]!)],
  [/^The key must not be empty\.$/, (w) => w.emptyKey]
]

/** The error's message in these words; null words: as the package says it (English). */
export function sessionErrorText (error: SessionError, words: SessionErrorWords | null): string {
  if (words === null) return error.message
  if (error instanceof SessionConflictError) return words.conflict
  if (error instanceof SessionGoneError) return words.gone
  for (const [pattern, say] of PATTERNS) {
    const m = pattern.exec(error.message)
    if (m) return say(words, m)
  }
  return error.message
}
