// Values shown the way the tutorial's Python interpreter prints them: 'text', 10, None, True,
// b'bytes', {'a': '1'}, ['k'].
import { parseInteger } from '../memcache/values.ts'

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
