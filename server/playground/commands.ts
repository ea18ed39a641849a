// The playground's commands: each tutorial call run for real, in the visitor's own namespace, and
// answered as a transcript the way the tutorial's interpreter session shows it, with the node of
// every key. Errors python-memcached would raise (incr on text, an int that is not a number) are
// shown as the interpreter shows them, not as a page error.
import type { MemcacheClient } from '@memcache-session/client'
import type { Namespace } from './namespace.ts'
import { concatWithinLimit } from './bounded-append.ts'
import { reprLimited, type Shown } from './python-repr.ts'
import { tsCall, tsRaised, tsRepr } from './typescript-lines.ts'
import { onTheWire, wireOf, type WireExchange } from './wire-tap.ts'
import { casRace } from './cas-race.ts'
import { pythonException } from './python-exceptions.ts'
import {
  MAX_READ_BYTES, optionalDelta, optionalTtl, parseKeys, parsePairs, PlaygroundInputError,
  requireKey, requireText, requireValue
} from './input.ts'

export const TTL_DEMO_SECONDS = 2

export const OPS = ['set', 'get', 'add', 'replace', 'set_multi', 'get_multi', 'delete', 'delete_multi', 'append', 'prepend', 'incr', 'decr', 'gets', 'cas', 'ttl_demo', 'cas_race'] as const
export type Op = typeof OPS[number]
/** The CAS lesson's two clients, side by side: each has its own gets and cas (and conn1 the first set). */
export const CLIENT_CARDS = ['conn1', 'conn2'] as const
/** Where a run is shown: an op's own card, one of the two clients, or the console's input line. */
export type CardId = Op | typeof CLIENT_CARDS[number] | 'console'

export interface PlaygroundInput {
  op?: string
  key?: string
  val?: string
  ttl?: string
  keys?: string
  pairs?: string
  delta?: string
  token?: string
  /** The card whose result area shows the run (the expiry card's "get it now" runs a get). */
  card?: string
  /** The console's input line, as typed (console-line.ts reads it into the fields above). */
  line?: string
}

export interface TranscriptLine {
  /** Who speaks, when the call itself does not say (absent in every transcript the playground makes now). */
  actor?: string
  call: string
  result: string
  note?: string
  /** The result is an exception python-memcached would raise. */
  raised?: boolean
  /** The same call on this project's client, and what it returned (absent in runs recorded before these views). */
  ts?: { call: string, result: string, raised?: boolean }
  /** The round trips the call made, node by node, as protocol lines. */
  wire?: WireExchange[]
}

export interface Transcript {
  op: Op
  /** The card that shows it. */
  card: CardId
  lines: TranscriptLine[]
  /** Node of each key the command touched: as typed, as stored (namespace included), and the node. */
  nodes: Array<{ key: string, stored: string, node: string }>
  /** For `gets`: the token to send back with `cas`, hex. */
  token?: string
  key?: string
  /** For the expiry demo: when the key expires (ms since the epoch). */
  expiresAt?: number
}

export interface CommandContext {
  /** The app's client. */
  a: MemcacheClient
  /** A second, independent client (its own connections), for the two-client CAS race. */
  b: MemcacheClient
  namespace: Namespace
  /** Every key expires within this many seconds: a TTL of 0 (no expiry) or longer becomes this. */
  maxTtlSeconds: number
}

/** Thrown after an exception line was written: the interpreter stops there too. */
export class Raised extends Error {}

/** The TypeScript side of a call: its text, and what to print of the client's result (the result itself by default). */
export interface TsSide { call: string, result?: () => unknown }

/** Runs one call and writes its transcript line (Python, TypeScript, wire); an exception Python would raise ends the command. */
export type Call = (text: string, run: () => Promise<Shown>, extra?: Partial<TranscriptLine>, ts?: TsSide) => Promise<Shown>

export function knownOp (op: string | undefined): Op | undefined {
  return OPS.find((o) => o === op)
}

export function knownCard (card: string | undefined): CardId | undefined {
  return knownOp(card) ?? CLIENT_CARDS.find((c) => c === card) ?? (card === 'console' ? 'console' : undefined)
}

/** The card that shows a run: the one it was sent from (gets and cas without one: conn1's, chapter 3's first client). */
export function cardOf (input: PlaygroundInput): CardId | null {
  const op = knownOp(input.op)
  if (!op) return null
  return knownCard(input.card) ?? (op === 'cas' || op === 'gets' ? 'conn1' : op)
}

/**
 * Runs one tutorial call from a card's or the console's fields. `keyList` is for the app's own
 * delete_multi ("Delete my keys"): the remembered keys as a list, never split from text (a
 * typed key may hold a comma).
 */
export async function runCommand (ctx: CommandContext, input: PlaygroundInput, keyList?: readonly string[]): Promise<Transcript> {
  const op = knownOp(input.op)
  if (!op) throw new PlaygroundInputError((w) => w.unknownCommand(input.op ? input.op.slice(0, 40) : ''))
  const card = cardOf(input)!
  // The tutorial's client is `conn`; in its CAS lesson, two scripts with `conn1` and `conn2`, the
  // second one on connections of its own (client B).
  const name = clientName(card)
  const mc = card === 'conn2' ? ctx.b : ctx.a
  const t: Transcript = { op, card, lines: [], nodes: [] }
  const repr = (value: Shown) => reprLimited(value)
  const show = (value: Shown) => repr(value).text
  const ttlOf = (ttl: number) => (ttl === 0 || ttl > ctx.maxTtlSeconds ? ctx.maxTtlSeconds : ttl)
  const track = (key: string) => {
    const stored = ctx.namespace.keyPrefix + key
    const node = mc.nodeIndexFor(stored)
    if (!t.nodes.some((n) => n.stored === stored)) t.nodes.push({ key, stored, node: node === null ? 'no live node' : nodeName(mc, node) })
    return stored
  }
  const call: Call = async (text, run, extra = {}, ts) => {
    let result: Shown
    let wire: WireExchange[]
    try {
      ({ result, wire } = await onTheWire(run))
    } catch (error) {
      const raised = pythonException(error)
      if (raised === null) throw error
      t.lines.push({ call: text, result: `Traceback (most recent call last):\n  ...\n${raised}`, raised: true, actor: extra.actor, ...(ts ? { ts: { call: ts.call, result: tsRaised(error), raised: true } } : {}), wire: wireOf(error) })
      throw new Raised()
    }
    const shown = repr(result)
    t.lines.push({
      call: text,
      result: shown.text,
      ...extra,
      ...(shown.truncated ? { note: `output cut at ${shown.text.length - 1} characters` } : {}),
      ...(ts ? { ts: { call: ts.call, result: tsRepr(ts.result ? ts.result() : result) } } : {}),
      wire
    })
    return result
  }
  const ts = (method: string, ...args: unknown[]): TsSide => ({ call: tsCall(name, method, ...args) })

  try {
    switch (op) {
      case 'set': case 'add': case 'replace': {
        const key = requireKey(input.key)
        const value = requireValue(input.val)
        const ttl = optionalTtl(input.ttl)
        const stored = track(key)
        await call(`${name}.${op}(${show(key)}, ${show(value)}${ttl ? `, ${ttl}` : ''})`, () => mc[op](stored, value, ttlOf(ttl)), {}, ts(op, key, value, ...(ttl ? [ttl] : [])))
        if (ttl > ctx.maxTtlSeconds) t.lines.at(-1)!.note = `kept ${ctx.maxTtlSeconds} s at most in the playground`
        break
      }
      case 'get': {
        const key = requireKey(input.key)
        const stored = track(key)
        await call(`${name}.get(${show(key)})`, () => mc.get(stored) as Promise<Shown>, {}, ts('get', key))
        break
      }
      case 'append': case 'prepend': {
        const key = requireKey(input.key)
        const text = requireText(input.val)
        const stored = track(key)
        await call(`${name}.${op}(${show(key)}, ${show(text)})`, () => concatWithinLimit(mc, op, stored, text), {}, ts(op, key, text))
        break
      }
      case 'incr': case 'decr': {
        const key = requireKey(input.key)
        const delta = optionalDelta(input.delta)
        const stored = track(key)
        const result = await call(`${name}.${op}(${show(key)}${delta !== 1 ? `, ${delta}` : ''})`, () => mc[op](stored, delta) as Promise<Shown>, {}, ts(op, key, ...(delta !== 1 ? [delta] : [])))
        if (result === undefined) t.lines.at(-1)!.note = 'the key does not exist'
        break
      }
      case 'delete': {
        const key = requireKey(input.key)
        const stored = track(key)
        // python-memcached's delete answers 1 whether or not the key was there (0 only on a server error).
        let deleted = false
        await call(`${name}.delete(${show(key)})`, async () => { deleted = await mc.delete(stored); return 1 }, {}, { ...ts('delete', key), result: () => deleted })
        if (!deleted) t.lines.at(-1)!.note = 'the key was not there: python-memcached says 1 all the same'
        break
      }
      case 'set_multi': {
        const pairs = parsePairs(input.pairs)
        const ttl = optionalTtl(input.ttl)
        const entries = pairs.map(([k, v]) => [track(k), v] as [string, string | number | bigint])
        await call(`${name}.set_multi(${show(new Map(pairs))}${ttl ? `, ${ttl}` : ''})`, async () => (await mc.setMulti(entries, ttlOf(ttl))).map((k) => k.slice(ctx.namespace.keyPrefix.length)), {}, ts('setMulti', Object.fromEntries(pairs), ...(ttl ? [ttl] : [])))
        break
      }
      case 'get_multi': {
        const keys = parseKeys(input.keys)
        const stored = keys.map(track)
        let omitted = 0
        await call(`${name}.get_multi(${show(keys)})`, async () => {
          const found = await mc.getMulti(stored)
          // In the order asked, as a dict comprehension over the keys would print them; at most MAX_READ_BYTES of values.
          const shown = new Map<string, Shown>()
          let bytes = 0
          keys.forEach((key, i) => {
            const value = found.get(stored[i]!)
            if (value === undefined) return
            bytes += typeof value === 'string' || Buffer.isBuffer(value) ? Buffer.byteLength(value) : 20
            if (bytes > MAX_READ_BYTES) omitted++
            else shown.set(key, value as Shown)
          })
          return shown
        }, {}, ts('getMulti', keys))
        if (omitted > 0) {
          const line = t.lines.at(-1)!
          line.note = [line.note, `${omitted} more found, not shown: one read shows at most ${MAX_READ_BYTES / 1024} KiB`].filter(Boolean).join('; ')
        }
        break
      }
      case 'delete_multi': {
        const keys = keyList ? keyList.map(requireKey) : parseKeys(input.keys)
        const stored = keys.map(track)
        // delete_multi answers 1 when every node answered, found or not.
        let answered = false
        await call(`${name}.delete_multi(${show(keys)})`, async () => { answered = await mc.deleteMulti(stored); return answered ? 1 : 0 }, {}, { ...ts('deleteMulti', keys), result: () => answered })
        break
      }
      case 'gets': {
        const key = requireKey(input.key)
        const stored = track(key)
        let token: Buffer | undefined
        let found: Awaited<ReturnType<MemcacheClient['gets']>>
        await call(`${name}.gets(${show(key)})`, async () => {
          found = await mc.gets(stored)
          token = found?.cas
          return found?.value as Shown
        }, {}, { call: `${itemName(name)} = ${tsCall(name, 'gets', key)}`, result: () => found })
        if (token) {
          t.lines.at(-1)!.note = `CAS token ${token.readBigUInt64BE(0)}`
          t.token = token.toString('hex')
        }
        t.key = key
        break
      }
      case 'cas': {
        const key = requireKey(input.key)
        const value = requireValue(input.val)
        if (!input.token || !/^[0-9a-f]{16}$/.test(input.token)) throw new PlaygroundInputError((w) => w.getsFirst)
        const stored = track(key)
        const token = Buffer.from(input.token, 'hex')
        const outcome: { result?: Awaited<ReturnType<MemcacheClient['compareAndSwap']>> } = {}
        await call(`${name}.cas(${show(key)}, ${show(value)})`, async () => { outcome.result = await mc.compareAndSwap(stored, value, token, ctx.maxTtlSeconds); return outcome.result === 'stored' },
          {}, { call: `${tsCall(name, 'compareAndSwap', key, value).slice(0, -1)}, ${itemName(name)}.cas)`, result: () => outcome.result })
        if (outcome.result !== 'stored') t.lines.at(-1)!.note = outcome.result === 'exists' ? 'someone changed the key since gets' : 'the key is gone'
        t.key = key
        break
      }
      case 'ttl_demo': {
        const key = requireKey(input.key)
        const value = requireValue(input.val || 'short-lived')
        const stored = track(key)
        await call(`${name}.set(${show(key)}, ${show(value)}, ${TTL_DEMO_SECONDS})`, () => mc.set(stored, value, TTL_DEMO_SECONDS), {}, ts('set', key, value, TTL_DEMO_SECONDS))
        t.expiresAt = Date.now() + TTL_DEMO_SECONDS * 1000
        await call(`${name}.get(${show(key)})`, () => mc.get(stored) as Promise<Shown>, { note: `expires in ${TTL_DEMO_SECONDS} s` }, ts('get', key))
        t.key = key
        break
      }
      case 'cas_race':
        await casRace(ctx, t, requireKey(input.key || 'n'), track, call)
        break
    }
  } catch (error) {
    if (!(error instanceof Raised)) throw error
  }
  return t
}

/** The REPL variable holding a client's last gets: item, or item1 and item2 for conn1 and conn2. */
export function itemName (client: string): string {
  return `item${client.replace(/^conn/, '')}`
}

/** conn1 and conn2 are the CAS lesson's two clients; every other card speaks as the tutorial's conn. */
function clientName (card: CardId): string {
  return card === 'conn1' || card === 'conn2' ? card : 'conn'
}

/** "node 1 (127.0.0.1:11216, weight 3)": which of the pool's weighted nodes, as the cluster page numbers them. */
function nodeName (mc: MemcacheClient, index: number): string {
  const node = mc.nodes[index]!
  return `node ${index} (${node.label}, weight ${node.address.weight})`
}
