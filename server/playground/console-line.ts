// The console's one input line: a call written as the tutorial writes it, `conn.set('k', 'v', 1)`,
// `conn.get_multi(['a', 'b'])`, `conn.gets('n')`, read into the same form fields a card sends, so
// it runs through the same command table, limits and rate limit. Only Python literals are read
// (strings, integers, lists of strings, dicts), never evaluated: there is no Python here.
import { PlaygroundInputError } from './input.ts'
import type { InputWords } from '../i18n/en/input-errors.ts'
import type { PlaygroundInput } from './commands.ts'

/** Longest line read: a 64 KiB value, quoted and escaped, fits. */
export const MAX_LINE_CHARS = 140 * 1024

type Literal = string | bigint | Literal[] | Map<string, Literal>

/** How each method's arguments become fields: its name in the form, and what it takes. */
const METHODS: Record<string, { op: string, args: Array<'key' | 'value' | 'text' | 'ttl' | 'delta' | 'keys' | 'pairs'>, required: number }> = {
  set: { op: 'set', args: ['key', 'value', 'ttl'], required: 2 },
  add: { op: 'add', args: ['key', 'value', 'ttl'], required: 2 },
  replace: { op: 'replace', args: ['key', 'value', 'ttl'], required: 2 },
  get: { op: 'get', args: ['key'], required: 1 },
  gets: { op: 'gets', args: ['key'], required: 1 },
  cas: { op: 'cas', args: ['key', 'value'], required: 2 },
  delete: { op: 'delete', args: ['key'], required: 1 },
  append: { op: 'append', args: ['key', 'text'], required: 2 },
  prepend: { op: 'prepend', args: ['key', 'text'], required: 2 },
  incr: { op: 'incr', args: ['key', 'delta'], required: 1 },
  decr: { op: 'decr', args: ['key', 'delta'], required: 1 },
  set_multi: { op: 'set_multi', args: ['pairs', 'ttl'], required: 1 },
  get_multi: { op: 'get_multi', args: ['keys'], required: 1 },
  delete_multi: { op: 'delete_multi', args: ['keys'], required: 1 }
}

export const CONSOLE_METHODS = Object.keys(METHODS)

const refuse = (message: string | ((words: InputWords) => string)): never => { throw new PlaygroundInputError(message) }

/** A small reader of Python literals, position by position. */
class Reader {
  #text: string
  #at = 0
  constructor (text: string) { this.#text = text }

  get done (): boolean { this.#space(); return this.#at >= this.#text.length }

  #space (): void { while (this.#at < this.#text.length && /\s/.test(this.#text[this.#at]!)) this.#at++ }

  peek (): string { this.#space(); return this.#text[this.#at] ?? '' }

  take (expected: string): boolean {
    if (this.peek() !== expected) return false
    this.#at++
    return true
  }

  expect (expected: string): void {
    if (!this.take(expected)) refuse(`SyntaxError: expected ${expected} at column ${this.#at + 1}`)
  }

  name (): string {
    this.#space()
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.#text.slice(this.#at, this.#at + 64))
    if (!match) return refuse(`SyntaxError: expected a name at column ${this.#at + 1}`)
    this.#at += match[0].length
    return match[0]
  }

  literal (depth = 0): Literal {
    if (depth > 2) refuse('SyntaxError: lists and dicts go one level deep here')
    const ch = this.peek()
    if (ch === "'" || ch === '"') return this.#string(ch)
    if (ch === '[') return this.#list(depth)
    if (ch === '{') return this.#dict(depth)
    const match = /^-?\d{1,30}/.exec(this.#text.slice(this.#at, this.#at + 31))
    if (match) {
      this.#at += match[0].length
      return BigInt(match[0])
    }
    return refuse(`SyntaxError: expected a string, a number, a list or a dict at column ${this.#at + 1}`)
  }

  #string (quote: string): string {
    let out = ''
    this.#at++
    while (this.#at < this.#text.length) {
      const ch = this.#text[this.#at++]!
      if (ch === quote) return out
      if (ch === '\n') break
      if (ch !== '\\') { out += ch; continue }
      const next = this.#text[this.#at++] ?? ''
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', 0: '\0' }
      if (next in simple) out += simple[next]
      else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(this.#text.slice(this.#at, this.#at + 2))) {
        out += String.fromCharCode(parseInt(this.#text.slice(this.#at, this.#at + 2), 16))
        this.#at += 2
      } else out += `\\${next}`
    }
    return refuse('SyntaxError: unterminated string literal')
  }

  #list (depth: number): Literal[] {
    this.#at++
    const items: Literal[] = []
    while (!this.take(']')) {
      if (items.length > 0) { this.expect(','); if (this.take(']')) break }
      items.push(this.literal(depth + 1))
    }
    return items
  }

  #dict (depth: number): Map<string, Literal> {
    this.#at++
    const entries = new Map<string, Literal>()
    while (!this.take('}')) {
      if (entries.size > 0) { this.expect(','); if (this.take('}')) break }
      const key = this.literal(depth + 1)
      if (typeof key !== 'string') refuse('TypeError: keys must be str')
      this.expect(':')
      entries.set(key as string, this.literal(depth + 1))
    }
    return entries
  }
}

/** A value as the cards' fields carry it: text quoted (so '10' stays text), integers as digits. */
function valueField (value: Literal, what: string): string {
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'bigint') return String(value)
  return refuse(`TypeError: ${what} must be a str or an int here`)
}

function keyField (value: Literal): string {
  return typeof value === 'string' ? value : refuse('TypeError: a key must be a str')
}

function numberField (value: Literal, what: string): string {
  return typeof value === 'bigint' && value >= 0n ? String(value) : refuse(`TypeError: ${what} must be a whole number`)
}

/**
 * The form fields for one console line, or a PlaygroundInputError saying what Python would say
 * of it. `conn.` may be left out; a keyword `time=` is read as the TTL, as python-memcached names it.
 */
export function parseConsoleLine (line: string | undefined): PlaygroundInput {
  const text = (line ?? '').trim()
  if (text === '') refuse((w) => w.typeACall)
  if (text.length > MAX_LINE_CHARS) refuse((w) => w.lineTooLong(MAX_LINE_CHARS / 1024))
  const reader = new Reader(text)
  let method = reader.name()
  if (reader.take('.')) {
    if (method !== 'conn') refuse(`NameError: name '${method.slice(0, 40)}' is not defined (the console's client is conn)`)
    method = reader.name()
  }
  const spec = Object.hasOwn(METHODS, method) ? METHODS[method]! : refuse(`AttributeError: 'Client' object has no attribute '${method.slice(0, 40)}' (the console knows ${CONSOLE_METHODS.join(', ')})`)
  reader.expect('(')
  const args: Literal[] = []
  let ttl: Literal | undefined
  while (!reader.take(')')) {
    if (args.length > 0 || ttl !== undefined) { reader.expect(','); if (reader.take(')')) break }
    const ch = reader.peek()
    if (/[A-Za-z_]/.test(ch)) {
      const keyword = reader.name()
      if (keyword !== 'time' || !spec.args.includes('ttl')) refuse(`TypeError: ${method}() got an unexpected keyword argument '${keyword.slice(0, 40)}'`)
      reader.expect('=')
      ttl = reader.literal()
      continue
    }
    if (ttl !== undefined) refuse('SyntaxError: positional argument follows keyword argument')
    args.push(reader.literal())
  }
  if (!reader.done) refuse('SyntaxError: one call per line, and nothing after it')
  if (args.length < spec.required) refuse(`TypeError: ${method}() needs ${spec.required} argument${spec.required === 1 ? '' : 's'}, got ${args.length}`)
  if (args.length > spec.args.length || (ttl !== undefined && args.length > spec.args.indexOf('ttl'))) refuse(`TypeError: ${method}() takes at most ${spec.args.length} arguments`)

  const input: PlaygroundInput = { op: spec.op, card: 'console' }
  spec.args.forEach((kind, i) => {
    const value = kind === 'ttl' && ttl !== undefined ? ttl : args[i]
    if (value === undefined) return
    switch (kind) {
      case 'key': input.key = keyField(value); break
      case 'value': input.val = valueField(value, 'the value'); break
      case 'text': input.val = typeof value === 'string' ? value : refuse('TypeError: append and prepend take a str'); break
      case 'ttl': input.ttl = numberField(value, 'the time'); break
      case 'delta': input.delta = numberField(value, 'the amount'); break
      case 'keys':
        if (!Array.isArray(value)) refuse(`TypeError: ${method}() takes a list of keys`)
        input.keys = (value as Literal[]).map(keyField).join(' ')
        break
      case 'pairs': {
        if (!(value instanceof Map)) refuse('TypeError: set_multi() takes a dict')
        input.pairs = [...(value as Map<string, Literal>)].map(([k, v]) => {
          if (/[=\r\n]/.test(k)) refuse((w) => w.multiKeyChars)
          if (typeof v === 'string' && /[\r\n]/.test(v)) refuse((w) => w.multiValueBreak)
          return `${k}=${valueField(v, 'each value')}`
        }).join('\n')
        break
      }
    }
  })
  return input
}
