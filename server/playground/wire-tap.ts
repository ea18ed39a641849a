// The wire view of a playground run: what went to each node and what came back, as protocol lines.
// The playground pool's transports are wrapped (tappedTransport): every request a node transport
// makes inside `onTheWire(...)` is written down with the node, the exact key, value bytes, flags,
// TTL and CAS token the client handed it, and the answer it read. Requests outside a tapped run
// (the console's own history, health probes, the cluster page) are not recorded.
//
// The lines are those the transport's codec writes for those arguments (the meta protocol; see
// packages/client/src/meta/codec.ts): test/playground/wire-tap.test.ts sends the lines shown here
// to a real memcached and checks that it answers what the view says. Over the binary protocol
// (MEMCACHED_PROTOCOL=binary) there are no lines to show: each request is named by its opcode.
import { AsyncLocalStorage } from 'node:async_hooks'
import { ServerError, type Item, type NodeTransport, type StoreMode, type StoreResult, type TransportFactory } from '@memcache-session/client'

/** One round trip to one node: the lines sent and the lines read (values cut for the page). */
export interface WireExchange {
  node: string
  sent: string[]
  received: string[]
}

/** Longest value shown on a wire line; the rest is counted. */
const MAX_WIRE_VALUE_CHARS = 120
/** Round trips kept for one call: a get_multi over four nodes has four, a retried one more. */
const MAX_EXCHANGES = 8

interface Recording { exchanges: WireExchange[], open: boolean }
const recordings = new AsyncLocalStorage<Recording>()

/** Runs `fn` and returns what it sent on the wire, beside its result (or its error, rethrown with the wire attached). */
export async function onTheWire<T> (fn: () => Promise<T>): Promise<{ result: T, wire: WireExchange[] }> {
  const recording: Recording = { exchanges: [], open: true }
  try {
    const result = await recordings.run(recording, fn)
    return { result, wire: recording.exchanges }
  } catch (error) {
    throw Object.assign(error as object, { wire: recording.exchanges })
  } finally {
    // A probe timer started inside the run inherits its context: nothing it does later is this run's.
    recording.open = false
  }
}

/** The wire recorded before `error` was thrown inside onTheWire, if any. */
export function wireOf (error: unknown): WireExchange[] {
  const wire = (error as { wire?: unknown } | null)?.wire
  return Array.isArray(wire) ? wire as WireExchange[] : []
}

function record (exchange: WireExchange): void {
  const recording = recordings.getStore()
  if (recording?.open && recording.exchanges.length < MAX_EXCHANGES) recording.exchanges.push(exchange)
}

/** A value as a wire line shows it: its text, control characters escaped, cut past MAX_WIRE_VALUE_CHARS. */
export function wireValue (bytes: Buffer): string {
  const text = bytes.toString('utf8')
  // eslint-disable-next-line no-control-regex
  const escaped = (text.length > MAX_WIRE_VALUE_CHARS ? text.slice(0, MAX_WIRE_VALUE_CHARS) : text).replace(/[\x00-\x1f\x7f]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
  return text.length > MAX_WIRE_VALUE_CHARS ? `${escaped}… (${Buffer.byteLength(text.slice(MAX_WIRE_VALUE_CHARS))} more bytes)` : escaped
}

const casNumber = (cas: Buffer | undefined) => (cas ? cas.readBigUInt64BE(0) : 0n)
const MODE_LETTER: Record<StoreMode, string> = { set: 'S', add: 'E', replace: 'R', append: 'A', prepend: 'P' }
const STORE_CODES = { stored: 'HD', exists: 'EX', 'not-found': 'NF', 'not-stored': 'NS' } as const

/** The meta lines of each request the NodeTransport interface makes, and of the answer it returned. */
export const metaLines = {
  get (key: Buffer, item: Item | undefined, touchTtl?: number) {
    return {
      sent: [`mg ${key} v c f${touchTtl === undefined ? '' : ` T${touchTtl}`}`],
      received: item ? [`VA ${item.bytes.length} c${casNumber(item.cas)} f${item.flags}`, wireValue(item.bytes)] : ['EN']
    }
  },
  store (mode: StoreMode, key: Buffer, bytes: Buffer, flags: number, ttl: number, cas: Buffer | undefined, result: StoreResult) {
    const keepsItem = mode === 'append' || mode === 'prepend'
    const head = `ms ${key} ${bytes.length} M${MODE_LETTER[mode]} c${keepsItem ? '' : ` F${flags} T${ttl}`}${cas ? ` C${casNumber(cas)}` : ''}`
    const code = STORE_CODES[result.outcome]
    // memcached answers the `c` flag on every outcome: the new token when stored, c0 otherwise.
    return { sent: [head, wireValue(bytes)], received: [`${code} c${result.outcome === 'stored' ? casNumber(result.cas) : 0}`] }
  },
  delete (key: Buffer, outcome: string) {
    return { sent: [`md ${key}`], received: [outcome === 'deleted' ? 'HD' : outcome === 'exists' ? 'EX' : 'NF'] }
  },
  arithmetic (direction: 'incr' | 'decr', key: Buffer, delta: bigint, value: bigint | undefined) {
    const text = value === undefined ? undefined : String(value)
    return { sent: [`ma ${key} M${direction === 'incr' ? 'I' : 'D'} D${delta} v`], received: text === undefined ? ['NF'] : [`VA ${text.length}`, text] }
  },
  getMulti (keys: readonly Buffer[], found: Map<number, Item>) {
    const received: string[] = []
    keys.forEach((_, i) => {
      const item = found.get(i)
      if (item) received.push(`VA ${item.bytes.length} c${casNumber(item.cas)} f${item.flags} O${i}`, wireValue(item.bytes))
    })
    return { sent: [...keys.map((key, i) => `mg ${key} v c f q O${i}`), 'mn'], received: [...received, 'MN'] }
  },
  /**
   * A batch of sets asks for no token: each stored entry answers HD with its position. A refused
   * one answers memcached's error line instead, which names no position (the transport says which
   * entry it was, not the words): shown as what it was, in brackets.
   */
  setMulti (entries: ReadonlyArray<{ key: Buffer, bytes: Buffer, flags: number }>, ttl: number, refused: number[]) {
    const sent = entries.flatMap(({ key, bytes, flags }, i) => [`ms ${key} ${bytes.length} MS F${flags} T${ttl} O${i}`, wireValue(bytes)])
    const received = entries.map((_, i) => (refused.includes(i) ? `(an error line: entry O${i} not stored)` : `HD O${i}`))
    return { sent: [...sent, 'mn'], received: [...received, 'MN'] }
  },
  /** Quiet deletes answer only for a key that was not there: NF with its position. */
  deleteMulti (keys: readonly Buffer[], missing: readonly number[]) {
    return { sent: [...keys.map((key, i) => `md ${key} q O${i}`), 'mn'], received: [...[...missing].sort((a, b) => a - b).map((i) => `NF O${i}`), 'MN'] }
  }
}

/** The request as the binary protocol names it: its opcode, the key, and the status it answered. */
function binaryLines (opcode: string, keys: readonly Buffer[], answer: string) {
  return { sent: keys.map((key) => `${opcode} key=${key}`), received: [answer] }
}

/** An answer that was an error: the node's own words (CLIENT_ERROR ..., a binary status), or why there were none. */
function failedLines (error: unknown): string[] {
  if (error instanceof ServerError) return [error.reply]
  return [`(no answer: ${error instanceof Error ? error.message : String(error)})`]
}

/** `inner`, with every request made inside onTheWire recorded, node by node. */
export function tappedTransport (inner: TransportFactory): TransportFactory {
  return {
    protocol: inner.protocol,
    supportsTls: inner.supportsTls,
    open (node, options) {
      const transport = inner.open(node, options)
      const label = `${node.host}:${node.port}`
      const meta = transport.protocol === 'meta'
      /** Runs one request; when a run is being recorded, writes its lines (or its failure) down. */
      const tap = async <T>(run: () => Promise<T>, lines: (result: T) => { sent: string[], received: string[] }, sentOnFailure: () => string[]): Promise<T> => {
        if (!recordings.getStore()?.open) return run()
        try {
          const result = await run()
          record({ node: label, ...lines(result) })
          return result
        } catch (error) {
          record({ node: label, sent: sentOnFailure(), received: failedLines(error) })
          throw error
        }
      }
      const tapped: NodeTransport = {
        protocol: transport.protocol,
        tls: transport.tls,
        get: (key, touchTtl) => tap(() => transport.get(key, touchTtl),
          (item) => (meta ? metaLines.get(key, item, touchTtl) : binaryLines('GET (0x00)', [key], item ? `status 0 (found), flags ${item.flags}, ${item.bytes.length} bytes` : 'status 1 (key not found)')),
          () => metaLines.get(key, undefined, touchTtl).sent),
        touch: (key, ttl) => tap(() => transport.touch(key, ttl), (hit) => ({ sent: [`mg ${key} T${ttl}`], received: [hit ? 'HD' : 'EN'] }), () => [`mg ${key} T${ttl}`]),
        store: (mode, key, bytes, flags, ttl, cas) => tap(() => transport.store(mode, key, bytes, flags, ttl, cas),
          (result) => (meta ? metaLines.store(mode, key, bytes, flags, ttl, cas, result) : binaryLines(`${mode.toUpperCase()}${cas ? ` cas=${casNumber(cas)}` : ''}`, [key], `${result.outcome}${result.cas ? `, cas ${casNumber(result.cas)}` : ''}`)),
          () => metaLines.store(mode, key, bytes, flags, ttl, cas, { outcome: 'stored' }).sent),
        delete: (key, cas) => tap(() => transport.delete(key, cas),
          (outcome) => (meta ? metaLines.delete(key, outcome) : binaryLines('DELETE (0x04)', [key], outcome)),
          () => [`md ${key}`]),
        arithmetic: (direction, key, delta) => tap(() => transport.arithmetic(direction, key, delta),
          (value) => (meta ? metaLines.arithmetic(direction, key, delta, value) : binaryLines(`${direction.toUpperCase()} by ${delta}`, [key], value === undefined ? 'status 1 (key not found)' : `value ${value}`)),
          () => metaLines.arithmetic(direction, key, delta, undefined).sent),
        getMulti: (keys) => tap(() => transport.getMulti(keys),
          (found) => (meta ? metaLines.getMulti(keys, found) : binaryLines('GETKQ (0x0d)', keys, `NOOP: ${found.size} found`)),
          () => metaLines.getMulti(keys, new Map()).sent),
        setMulti: (entries, ttl) => tap(() => transport.setMulti(entries, ttl),
          (refused) => (meta ? metaLines.setMulti(entries, ttl, refused) : binaryLines('SETQ (0x11)', entries.map((e) => e.key), `NOOP: ${entries.length - refused.length} stored`)),
          () => metaLines.setMulti(entries, ttl, []).sent),
        deleteMulti: (keys) => tap(() => transport.deleteMulti(keys),
          (missing) => (meta ? metaLines.deleteMulti(keys, missing) : binaryLines('DELETEQ (0x14)', keys, `NOOP: ${missing.length} not found`)),
          () => metaLines.deleteMulti(keys, []).sent),
        stats: () => transport.stats(),
        probe: () => transport.probe(),
        close: () => transport.close()
      }
      return tapped
    }
  }
}
