// Size limits of a session, all well under memcached's 1 MiB item limit.
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
  maxValueBytes: 64 * 1024,
  maxSessionBytes: 512 * 1024,
  maxKeys: 1000
}

export function checkKey (key: string, limits: SessionLimits): void {
  if (key.length === 0) throw new SessionInputError('The key must not be empty.')
  if (key.length > limits.maxKeyLength) {
    throw new SessionLimitError(`The key is ${key.length} characters long; the limit is ${limits.maxKeyLength}.`)
  }
}

export function checkValue (value: string, limits: SessionLimits): void {
  const bytes = Buffer.byteLength(value, 'utf8')
  if (bytes > limits.maxValueBytes) {
    throw new SessionLimitError(`The value is ${formatBytes(bytes)}; the limit is ${formatBytes(limits.maxValueBytes)}.`)
  }
}

export function formatBytes (bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KiB`
}
