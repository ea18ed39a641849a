// The session record in memcached: key = session id, value = the dict as JSON text (flag 16,
// python-memcached's str), exactly what the Python original's json.dumps writes and reads.
import type { MemcacheValue } from '@memcache-session/client'

export type JsonPrimitive = string | number | boolean | null
/** What JSON.parse gives back: the values a session holds. */
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue }
/** A session's values by default: any key, any JSON value (the Python original's dict). */
export type SessionValues = Record<string, JsonValue>
/**
 * `T` mapped to what JSON keeps of it, so `T extends JsonShape<T>` holds exactly when every value
 * in T, at any depth, is JSON. Unlike `Record<string, JsonValue>` it accepts interfaces (which
 * have no index signature); it refuses Date, Map, functions, bigint, symbols.
 */
export type JsonShape<T> = { [K in keyof T]: AsJson<T[K]> }
type AsJson<V> = V extends JsonPrimitive
  ? V
  : V extends undefined
    ? undefined // an optional key (`name?: string`): absent, never stored as undefined
    : V extends readonly (infer Item)[]
      ? readonly AsJson<Item>[]
      : V extends (...args: never[]) => unknown
        ? never
        : V extends object ? JsonShape<V> : never

/** Session data. A Map, so keys like `__proto__` or `constructor` are ordinary keys. */
export type SessionData = Map<string, unknown>

export function encodeRecord (data: SessionData): string {
  // Object.fromEntries defines own properties, so "__proto__" stays a plain key in the JSON.
  return JSON.stringify(Object.fromEntries(data))
}

/** The data of a stored record, or null when it is not a JSON object (then it is not a session). */
export function decodeRecord (value: MemcacheValue): SessionData | null {
  const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : null
  if (text === null) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
  // JSON.parse also makes "__proto__" an own property, so Object.entries sees it.
  return new Map(Object.entries(parsed))
}
