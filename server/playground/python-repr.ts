// Values shown the way the tutorial's Python interpreter prints them: 'text', 10, None, True,
// b'bytes', {'a': '1'}, ['k'].
import { parseInteger } from '@memcache-session/client'

export type Shown = string | number | bigint | boolean | Buffer | null | undefined | Shown[] | Map<string, Shown>

export function pythonRepr (value: Shown): string {
  if (value === undefined || value === null) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (typeof value === 'string') return quote(value, '')
  if (Buffer.isBuffer(value)) return quote(value.toString('latin1'), 'b')
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`
  return `{${[...value].map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`).join(', ')}}`
}

/** Longest repr a transcript line shows; past it the line is cut and says so. */
export const MAX_SHOWN_CHARS = 2000

/**
 * `pythonRepr` cut at `maxChars`, without building the whole text first: a 20-key get_multi of
 * 64 KiB values renders as quickly as a short one.
 */
export function reprLimited (value: Shown, maxChars = MAX_SHOWN_CHARS): { text: string, truncated: boolean } {
  const text = reprWithin(value, maxChars + 1)
  return text.length <= maxChars ? { text, truncated: false } : { text: `${text.slice(0, maxChars)}…`, truncated: true }
}

/** A prefix of the repr at least `budget` characters long (or the whole repr when shorter). */
function reprWithin (value: Shown, budget: number): string {
  if (typeof value === 'string') return pythonRepr(value.length > budget ? value.slice(0, budget) : value)
  if (Buffer.isBuffer(value)) return pythonRepr(value.length > budget ? value.subarray(0, budget) : value)
  if (!Array.isArray(value) && !(value instanceof Map)) return pythonRepr(value)
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}']
  let text = open
  let first = true
  for (const item of value) {
    if (text.length > budget) return text
    const shown = Array.isArray(item) && !Array.isArray(value) ? `${pythonRepr(item[0] as string)}: ${reprWithin(item[1] as Shown, budget - text.length)}` : reprWithin(item as Shown, budget - text.length)
    text += (first ? '' : ', ') + shown
    first = false
  }
  return text + close
}

/** Python's repr quoting: single quotes unless the text has ' and no ". */
function quote (text: string, prefix: string): string {
  const q = text.includes("'") && !text.includes('"') ? '"' : "'"
  let body = ''
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (ch === '\\') body += '\\\\'
    else if (ch === q) body += `\\${q}`
    else if (ch === '\n') body += '\\n'
    else if (ch === '\r') body += '\\r'
    else if (ch === '\t') body += '\\t'
    else if (code < 0x20 || code === 0x7f || (prefix === 'b' && code > 0x7e)) body += `\\x${code.toString(16).padStart(2, '0')}`
    else body += ch
  }
  return `${prefix}${q}${body}${q}`
}

/**
 * A value typed into the playground, read the way Python reads a literal: 10 is an int, '10' or
 * "10" is text, and anything else is taken as text as typed.
 */
export function parseLiteral (input: string): string | number | bigint {
  const text = input.trim()
  if (/^-?\d{1,30}$/.test(text)) {
    return parseInteger(text)
  }
  const quoted = /^'(.*)'$|^"(.*)"$/s.exec(text)
  if (quoted) return quoted[1] ?? quoted[2]!
  return input
}
