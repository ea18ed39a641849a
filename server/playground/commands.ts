// The playground's commands: each tutorial call run for real on the cluster, answered as a
// transcript the way the tutorial's interpreter session shows it, with the node of every key.
// Keys live under PLAYGROUND_PREFIX, so nothing typed here can touch a session record.
import type { MemcacheClient } from '../memcache/client.ts'
import { encodeKey } from '../memcache/keys.ts'
import { InvalidKeyError, MemcacheError } from '../memcache/errors.ts'
import { parseInteger } from '../memcache/values.ts'
import { parseLiteral, pythonRepr, type Shown } from './python-repr.ts'

export const PLAYGROUND_PREFIX = 'pg:'
export const MAX_VALUE_BYTES = 64 * 1024
export const MAX_MULTI_KEYS = 20
export const MAX_TTL = 30 * 24 * 3600
export const TTL_DEMO_SECONDS = 2

export const OPS = ['set', 'get', 'add', 'replace', 'set_multi', 'get_multi', 'delete', 'delete_multi', 'append', 'prepend', 'incr', 'decr', 'gets', 'cas', 'ttl_demo', 'cas_race'] as const
export type Op = typeof OPS[number]

export interface PlaygroundInput {
  op?: string
  key?: string
  val?: string
  ttl?: string
  keys?: string
  pairs?: string
  delta?: string
  token?: string
}

export interface TranscriptLine {
  /** Who speaks, in the CAS race: 'client A' / 'client B'; otherwise absent. */
  actor?: string
  call: string
  result: string
  note?: string
}

export interface Transcript {
  op: Op
  lines: TranscriptLine[]
  /** Node of each key the command touched (as typed, without the prefix). */
  nodes: Array<{ key: string, stored: string, node: string }>
  /** For `gets`: the token to send back with `cas`, hex. */
  token?: string
  key?: string
}

export class PlaygroundInputError extends Error {
  override name = 'PlaygroundInputError'
  readonly statusCode = 400
}

export interface Clients {
  /** The app's client. */
  a: MemcacheClient
  /** A second, independent client (its own connections), for the two-client CAS race. */
  b: MemcacheClient
}

export function knownOp (op: string | undefined): Op | undefined {
  return OPS.find((o) => o === op)
}

export async function runCommand (clients: Clients, input: PlaygroundInput): Promise<Transcript> {
  const op = knownOp(input.op)
  if (!op) throw new PlaygroundInputError(`Unknown command${input.op ? ` "${input.op.slice(0, 40)}"` : ''}.`)
  const mc = clients.a
  const t: Transcript = { op, lines: [], nodes: [] }
  const say = (call: string, result: Shown, extra: Partial<TranscriptLine> = {}) => t.lines.push({ call, result: pythonRepr(result), ...extra })
  const track = (key: string) => {
    const stored = PLAYGROUND_PREFIX + key
    const node = mc.nodeIndexFor(stored)
    t.nodes.push({ key, stored, node: node === null ? 'no live node' : mc.nodes[node]!.label })
    return stored
  }

  try {
    switch (op) {
      case 'set': case 'add': case 'replace': {
        const key = requireKey(input.key)
        const value = requireValue(input.val)
        const ttl = optionalTtl(input.ttl)
        const stored = track(key)
        const result = await mc[op](stored, value, ttl)
        say(`mc.${op}(${pythonRepr(key)}, ${pythonRepr(value)}${ttl ? `, ${ttl}` : ''})`, result)
        break
      }
      case 'get': {
        const key = requireKey(input.key)
        say(`mc.get(${pythonRepr(key)})`, await mc.get(track(key)) as Shown)
        break
      }
      case 'append': case 'prepend': {
        const key = requireKey(input.key)
        const value = requireText(input.val)
        say(`mc.${op}(${pythonRepr(key)}, ${pythonRepr(value)})`, await mc[op](track(key), value))
        break
      }
      case 'incr': case 'decr': {
        const key = requireKey(input.key)
        const delta = optionalDelta(input.delta)
        const result = await mc[op](track(key), delta)
        say(`mc.${op}(${pythonRepr(key)}${delta !== 1 ? `, ${delta}` : ''})`, result as Shown, result === undefined ? { note: 'the key does not exist' } : {})
        break
      }
      case 'delete': {
        const key = requireKey(input.key)
        say(`mc.delete(${pythonRepr(key)})`, await mc.delete(track(key)))
        break
      }
      case 'set_multi': {
        const pairs = parsePairs(input.pairs)
        const entries = pairs.map(([k, v]) => [track(k), v] as [string, string | number | bigint])
        const failed = await mc.setMulti(entries, optionalTtl(input.ttl))
        say(`mc.set_multi(${pythonRepr(new Map(pairs))})`, failed.map((k) => k.slice(PLAYGROUND_PREFIX.length)))
        break
      }
      case 'get_multi': case 'delete_multi': {
        const keys = parseKeys(input.keys)
        const stored = keys.map(track)
        if (op === 'get_multi') {
          const found = await mc.getMulti(stored)
          // In the order asked, as a dict comprehension over the keys would print them.
          const shown = new Map(keys.filter((_, i) => found.has(stored[i]!)).map((k) => [k, found.get(PLAYGROUND_PREFIX + k) as Shown]))
          say(`mc.get_multi(${pythonRepr(keys)})`, shown)
        } else {
          say(`mc.delete_multi(${pythonRepr(keys)})`, await mc.deleteMulti(stored))
        }
        break
      }
      case 'gets': {
        const key = requireKey(input.key)
        const found = await mc.gets(track(key))
        say(`mc.gets(${pythonRepr(key)})`, found?.value as Shown, found ? { note: `CAS token ${found.cas.readBigUInt64BE(0)}` } : {})
        if (found) { t.token = found.cas.toString('hex'); t.key = key }
        break
      }
      case 'cas': {
        const key = requireKey(input.key)
        const value = requireValue(input.val)
        if (!input.token || !/^[0-9a-f]{16}$/.test(input.token)) throw new PlaygroundInputError('Run gets first: cas needs the token it returned.')
        const result = await mc.compareAndSwap(track(key), value, Buffer.from(input.token, 'hex'))
        say(`mc.cas(${pythonRepr(key)}, ${pythonRepr(value)})`, result === 'stored', result === 'stored' ? {} : { note: result === 'exists' ? 'someone changed the key since gets' : 'the key is gone' })
        break
      }
      case 'ttl_demo': {
        const key = requireKey(input.key)
        const value = requireValue(input.val || 'short-lived')
        const stored = track(key)
        say(`mc.set(${pythonRepr(key)}, ${pythonRepr(value)}, ${TTL_DEMO_SECONDS})`, await mc.set(stored, value, TTL_DEMO_SECONDS))
        say(`mc.get(${pythonRepr(key)})`, await mc.get(stored) as Shown, { note: `gone in ${TTL_DEMO_SECONDS} s: get it again with the get card` })
        t.key = key
        break
      }
      case 'cas_race': {
        const key = requireKey(input.key || 'n')
        const stored = track(key)
        if (await mc.get(stored) === undefined) say(`mc.set(${pythonRepr(key)}, 1)`, await mc.set(stored, 1))
        const a = await clients.a.gets(stored)
        say(`mc.gets(${pythonRepr(key)})`, a?.value as Shown, { actor: 'client A' })
        const b = await clients.b.gets(stored)
        say(`mc.gets(${pythonRepr(key)})`, b?.value as Shown, { actor: 'client B' })
        if (!a || !b) throw new PlaygroundInputError('The key vanished during the race; run it again.')
        say(`mc.cas(${pythonRepr(key)}, 100)`, await clients.a.cas(stored, 100, a.cas), { actor: 'client A', note: 'first to write: stored' })
        say(`mc.cas(${pythonRepr(key)}, 200)`, await clients.b.cas(stored, 200, b.cas), { actor: 'client B', note: 'refused: the key changed since its gets' })
        say(`mc.get(${pythonRepr(key)})`, await mc.get(stored) as Shown)
        break
      }
    }
  } catch (error) {
    // Errors the client raises for bad input (a non-numeric incr, a value it cannot store) are the user's to fix.
    if (error instanceof MemcacheError && !isClusterError(error)) throw new PlaygroundInputError(error.message)
    throw error
  }
  return t
}

function isClusterError (error: Error): boolean {
  return error.name === 'NodeDownError' || error.name === 'TimeoutError'
}

/** memcached's 250 bytes less the prefix. */
export const MAX_KEY_BYTES = 250 - PLAYGROUND_PREFIX.length

function requireKey (key: string | undefined): string {
  if (!key) throw new PlaygroundInputError('Enter a key.')
  const bytes = Buffer.byteLength(key)
  if (bytes > MAX_KEY_BYTES) throw new PlaygroundInputError(`The key is ${bytes} bytes; playground keys may have at most ${MAX_KEY_BYTES} (memcached's 250 less the "${PLAYGROUND_PREFIX}" prefix).`)
  try {
    encodeKey(PLAYGROUND_PREFIX + key)
  } catch (error) {
    if (error instanceof InvalidKeyError) throw new PlaygroundInputError(`That key cannot be used: ${error.message}.`)
    throw error
  }
  return key
}

function requireText (value: string | undefined): string {
  if (value === undefined) throw new PlaygroundInputError('Enter a value.')
  if (Buffer.byteLength(value) > MAX_VALUE_BYTES) throw new PlaygroundInputError(`The value is over ${MAX_VALUE_BYTES / 1024} KiB.`)
  return value
}

function requireValue (value: string | undefined): string | number | bigint {
  return parseLiteral(requireText(value))
}

function optionalTtl (ttl: string | undefined): number {
  if (ttl === undefined || ttl.trim() === '') return 0
  if (!/^\d+$/.test(ttl.trim()) || Number(ttl) > MAX_TTL) throw new PlaygroundInputError(`The TTL must be a whole number of seconds from 0 to ${MAX_TTL} (30 days).`)
  return Number(ttl)
}

function optionalDelta (delta: string | undefined): number | bigint {
  if (delta === undefined || delta.trim() === '') return 1
  if (!/^\d{1,20}$/.test(delta.trim()) || BigInt(delta) > 0xffffffffffffffffn) throw new PlaygroundInputError('The amount must be a whole number from 0 to 2^64-1.')
  return parseInteger(delta.trim())
}

function parseKeys (text: string | undefined): string[] {
  const keys = (text ?? '').split(/[\s,]+/).filter(Boolean)
  if (keys.length === 0) throw new PlaygroundInputError('Enter one or more keys, separated by spaces or commas.')
  if (keys.length > MAX_MULTI_KEYS) throw new PlaygroundInputError(`At most ${MAX_MULTI_KEYS} keys at once.`)
  return keys.map(requireKey)
}

function parsePairs (text: string | undefined): Array<[string, string | number | bigint]> {
  const lines = (text ?? '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
  if (lines.length === 0) throw new PlaygroundInputError('Enter one key=value pair per line.')
  if (lines.length > MAX_MULTI_KEYS) throw new PlaygroundInputError(`At most ${MAX_MULTI_KEYS} pairs at once.`)
  let total = 0
  return lines.map((line) => {
    const eq = line.indexOf('=')
    if (eq <= 0) throw new PlaygroundInputError(`"${line.slice(0, 40)}" is not key=value.`)
    const value = line.slice(eq + 1)
    total += Buffer.byteLength(value)
    if (total > MAX_VALUE_BYTES) throw new PlaygroundInputError(`The values add up to over ${MAX_VALUE_BYTES / 1024} KiB.`)
    return [requireKey(line.slice(0, eq).trim()), parseLiteral(value)]
  })
}
