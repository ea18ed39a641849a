// What the playground forms may send, checked before anything reaches memcached, with a message
// the page shows next to the field.
import { encodeKey, InvalidKeyError } from '@memcache-session/client'
import { MAX_KEY_BYTES } from './namespace.ts'
import { parseLiteral } from './python-repr.ts'
import { inputErrors, type InputWords } from '../i18n/en/input-errors.ts'

/** Largest value a playground key may hold, after any command (append and prepend included). */
export const MAX_VALUE_BYTES = 64 * 1024
/** Most keys one multi-key call may name. */
export const MAX_MULTI_KEYS = 20
/** Most value bytes one read shows (get_multi stops listing keys past it). */
export const MAX_READ_BYTES = 256 * 1024
/** memcached's own limit on relative TTLs (longer ones are read as a date). */
export const MAX_TTL = 30 * 24 * 3600

export class PlaygroundInputError extends Error {
  override name = 'PlaygroundInputError'
  readonly statusCode = 400
  /** The form field at fault, so the page marks that one field invalid (none: the command as a whole). */
  readonly field: string | undefined
  readonly #say: ((words: InputWords) => string) | null
  /** A message as it is (Python's own error lines), or one in the page's words (server/i18n/en/input-errors.ts); `message` is the English. */
  constructor (message: string | ((words: InputWords) => string), field?: string) {
    super(typeof message === 'string' ? message : message(inputErrors))
    this.#say = typeof message === 'string' ? null : message
    this.field = field
  }

  /** The message in a language's words. */
  in (words: InputWords): string {
    return this.#say ? this.#say(words) : this.message
  }
}

export function requireKey (key: string | undefined): string {
  if (!key) throw new PlaygroundInputError((w) => w.enterKey, 'key')
  const bytes = Buffer.byteLength(key)
  if (bytes > MAX_KEY_BYTES) throw new PlaygroundInputError((w) => w.keyTooLong(bytes, MAX_KEY_BYTES), 'key')
  try {
    encodeKey(key)
  } catch (error) {
    if (error instanceof InvalidKeyError) throw new PlaygroundInputError((w) => w.badKey(error.message), 'key')
    throw error
  }
  return key
}

export function requireText (value: string | undefined): string {
  if (value === undefined) throw new PlaygroundInputError((w) => w.enterValue, 'val')
  if (Buffer.byteLength(value) > MAX_VALUE_BYTES) throw new PlaygroundInputError((w) => w.valueTooBig(MAX_VALUE_BYTES / 1024), 'val')
  return value
}

export function requireValue (value: string | undefined): string | number | bigint {
  return parseLiteral(requireText(value))
}

export function optionalTtl (ttl: string | undefined): number {
  if (ttl === undefined || ttl.trim() === '') return 0
  if (!/^\d+$/.test(ttl.trim()) || Number(ttl) > MAX_TTL) throw new PlaygroundInputError((w) => w.badTtl(MAX_TTL), 'ttl')
  return Number(ttl)
}

export function optionalDelta (delta: string | undefined): number | bigint {
  if (delta === undefined || delta.trim() === '') return 1
  if (!/^\d{1,20}$/.test(delta.trim()) || BigInt(delta) > 0xffffffffffffffffn) throw new PlaygroundInputError((w) => w.badDelta, 'delta')
  const big = BigInt(delta)
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
}

export function parseKeys (text: string | undefined): string[] {
  const keys = (text ?? '').split(/[\s,]+/).filter(Boolean)
  if (keys.length === 0) throw new PlaygroundInputError((w) => w.enterKeys, 'keys')
  if (keys.length > MAX_MULTI_KEYS) throw new PlaygroundInputError((w) => w.tooManyKeys(MAX_MULTI_KEYS), 'keys')
  return keys.map(requireKey)
}

export function parsePairs (text: string | undefined): Array<[string, string | number | bigint]> {
  const lines = (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
  if (lines.length === 0) throw new PlaygroundInputError((w) => w.enterPairs, 'pairs')
  if (lines.length > MAX_MULTI_KEYS) throw new PlaygroundInputError((w) => w.tooManyPairs(MAX_MULTI_KEYS), 'pairs')
  let total = 0
  return lines.map((line) => {
    const eq = line.indexOf('=')
    if (eq <= 0) throw new PlaygroundInputError((w) => w.notPair(line.slice(0, 40)), 'pairs')
    const value = line.slice(eq + 1)
    total += Buffer.byteLength(value)
    if (total > MAX_VALUE_BYTES) throw new PlaygroundInputError((w) => w.pairsTooBig(MAX_VALUE_BYTES / 1024), 'pairs')
    return [requireKey(line.slice(0, eq).trim()), parseLiteral(value)]
  })
}

/** How many keys a command names: what the per-client rate limit counts. */
export function keysNamed (op: string | undefined, input: { keys?: string, pairs?: string }): number {
  if (op === 'get_multi' || op === 'delete_multi') return Math.max(1, Math.min(MAX_MULTI_KEYS, (input.keys ?? '').split(/[\s,]+/).filter(Boolean).length))
  if (op === 'set_multi') return Math.max(1, Math.min(MAX_MULTI_KEYS, (input.pairs ?? '').split(/\r?\n/).filter((l) => l.trim()).length))
  return 1
}
