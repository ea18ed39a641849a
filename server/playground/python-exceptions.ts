// The exceptions python-memcached raises where our client throws: shown in the Python view as the
// interpreter's last traceback line, so a learner sees what the tutorial's session would print.
import { ServerError, ValueFormatError } from '@memcache-session/client'
import { reprLimited } from './python-repr.ts'

/** The exception python-memcached 1.59 raises for this error, as its last traceback line, or null. */
export function pythonException (error: unknown): string | null {
  // incr/decr: memcached answers CLIENT_ERROR and python-memcached calls int() on that line.
  if (error instanceof ServerError && error.status === 'non-numeric') {
    return "ValueError: invalid literal for int() with base 10: b'CLIENT_ERROR cannot increment or decrement non-numeric value'"
  }
  // An integer-flagged value that is not a number (set 10, then append text): get calls int() on it.
  if (error instanceof ValueFormatError && /not a number/.test(error.message)) {
    const text = /: (".*")$/.exec(error.message)?.[1]
    const bytes = text ? Buffer.from(JSON.parse(text) as string, 'utf8') : Buffer.alloc(0)
    return `ValueError: invalid literal for int() with base 10: ${reprLimited(bytes, 60).text}`
  }
  return null
}
