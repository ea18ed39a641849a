// memcached's meta protocol, as bytes: the request lines this project sends and a streaming parser
// for the answers. Pure (no sockets). Reference: memcached's doc/protocol.txt, "Meta Commands";
// behaviour checked against memcached 1.6.18 started with `-B ascii` (binary refused).
//
//   mg <key> <flags>*            get: v (value) c (cas) f (client flags) T<ttl> (touch) q (quiet) O<n> (opaque)
//   ms <key> <datalen> <flags>*  set: M<mode> (S set, E add, R replace, A append, P prepend) F<flags> T<ttl> C<cas>
//   md <key> <flags>*            delete
//   ma <key> <flags>*            arithmetic: M<I|D> D<delta> v
//   mn                           no-op: answers MN, the end of a pipelined batch
//
// Keys are sent as their raw bytes: the client's key rules (keys.ts) already refuse spaces and
// control characters, which are all the text protocol cannot carry, and raw bytes store the same
// item python-memcached (text protocol) and the binary path name.

import { ProtocolError } from '../errors.ts'

export type StoreMode = 'set' | 'add' | 'replace' | 'append' | 'prepend'

const MODE_LETTER: Record<StoreMode, string> = { set: 'S', add: 'E', replace: 'R', append: 'A', prepend: 'P' }
const CRLF = Buffer.from('\r\n')
/** A value this long or longer is written as it is, beside its command line, not copied after it. */
const COPY_LIMIT = 16 * 1024

/**
 * A request as the buffers to write, in order: one for most, three (line, value, CRLF) for a
 * large value, so that the value is not copied; the connection writes them together (one syscall
 * once connected: it corks the socket for the turn). A caller's value must not change until its
 * request settles, as with socket.write.
 */
export type WireRequest = readonly Buffer[]

export interface MetaResponse {
  /** Two-letter status (VA, HD, EN, NF, NS, EX, MN), `END`/`STAT` for stats, or an error word. */
  code: string
  /** Return flags by letter: `c` cas, `f` client flags, `O` opaque, `t` ttl left... */
  flags: Map<string, string>
  value?: Buffer
  /** The text after CLIENT_ERROR / SERVER_ERROR, or the stat name and value of a STAT line. */
  text?: string
}

/** A command line of `parts` (a key as its bytes: latin1 maps each byte to one character and back), then `data` if any. */
function line (parts: Array<string | Buffer>, data?: Buffer): WireRequest {
  const head = Buffer.from(`${parts.map((part) => typeof part === 'string' ? part : part.toString('latin1')).join(' ')}\r\n`, 'latin1')
  if (!data) return [head]
  return data.length < COPY_LIMIT ? [Buffer.concat([head, data, CRLF])] : [head, data, CRLF]
}

function common (quiet: boolean | undefined, opaque: number | undefined): string[] {
  const flags: string[] = []
  if (quiet) flags.push('q')
  if (opaque !== undefined) flags.push(`O${opaque}`)
  return flags
}

export interface GetOptions {
  /** Reset the item's expiry in the same round trip (get-and-touch). */
  touchTtl?: number
  quiet?: boolean
  opaque?: number
}

/** `mg`: the value, its CAS token and client flags. */
export function getRequest (key: Buffer, { touchTtl, quiet, opaque }: GetOptions = {}): WireRequest {
  const flags = ['v', 'c', 'f']
  if (touchTtl !== undefined) flags.push(`T${touchTtl}`)
  return line(['mg', key, ...flags, ...common(quiet, opaque)])
}

/** `mg` without `v`: only resets the expiry (touch). */
export function touchRequest (key: Buffer, ttl: number): WireRequest {
  return line(['mg', key, `T${ttl}`])
}

export interface StoreOptions {
  mode: StoreMode
  flags?: number
  ttl?: number
  cas?: bigint
  quiet?: boolean
  opaque?: number
  /** Ask for the new CAS token (`c`, the default); a batch of sets, which keeps no token, says false. */
  returnCas?: boolean
}

/** `ms`: set / add / replace / append / prepend, optionally compare-and-swap; answers the new CAS token (`c`). */
export function storeRequest (key: Buffer, value: Buffer, { mode, flags, ttl, cas, quiet, opaque, returnCas = true }: StoreOptions): WireRequest {
  const parts: string[] = [`M${MODE_LETTER[mode]}`, ...(returnCas ? ['c'] : [])]
  // Append and prepend keep the item's flags and expiry: memcached ignores F and T for them.
  if (mode !== 'append' && mode !== 'prepend') parts.push(`F${flags ?? 0}`, `T${ttl ?? 0}`)
  if (cas !== undefined) parts.push(`C${cas}`)
  return line(['ms', key, String(value.length), ...parts, ...common(quiet, opaque)], value)
}

/** `md`, only if the item is still at version `cas` when one is given. */
export function deleteRequest (key: Buffer, { cas, quiet, opaque }: { cas?: bigint, quiet?: boolean, opaque?: number } = {}): WireRequest {
  return line(['md', key, ...(cas === undefined ? [] : [`C${cas}`]), ...common(quiet, opaque)])
}

/** `ma`: incr or decr by a 64-bit delta; answers the new value. Fails (NF) when the key is missing. */
export function arithmeticRequest (key: Buffer, direction: 'incr' | 'decr', delta: bigint): WireRequest {
  return line(['ma', key, `M${direction === 'incr' ? 'I' : 'D'}`, `D${delta}`, 'v'])
}

export function noopRequest (): WireRequest {
  return line(['mn'])
}

export function statsRequest (): WireRequest {
  return line(['stats'])
}

export function versionRequest (): WireRequest {
  return line(['version'])
}

/** A CAS token as memcached prints it (a decimal 64-bit number), as bigint. */
export function casOf (response: MetaResponse): bigint | undefined {
  const text = response.flags.get('c')
  return text === undefined ? undefined : BigInt(text)
}

const MAX_LINE_BYTES = 8192

/** Every first word memcached's text protocol answers with (meta statuses, stats, errors). */
const KNOWN_CODES = new Set(['VA', 'HD', 'EN', 'NF', 'NS', 'EX', 'MN', 'END', 'STAT', 'VERSION', 'OK', 'CLIENT_ERROR', 'SERVER_ERROR', 'ERROR'])

/**
 * Turns the bytes a node sends into whole responses, whatever the chunking: a `VA` line waits for
 * its value block. Feed it every chunk; it returns the responses completed so far.
 */
export class ResponseParser {
  /** The node's label, named by the ProtocolError a malformed answer raises. */
  readonly #node: string
  #buffer: Buffer = Buffer.alloc(0)
  /** The header of a `VA` whose value block has not fully arrived. */
  #pending: { response: MetaResponse, size: number } | null = null
  /**
   * Chunks received while a value block is incomplete, joined once it is whole: joining each
   * chunk onto the buffer as it comes would copy a large value once per chunk.
   */
  #waiting: Buffer[] = []
  #waitingBytes = 0

  constructor (node = 'unknown') {
    this.#node = node
  }

  get bufferedBytes (): number {
    return this.#buffer.length + this.#waitingBytes
  }

  push (chunk: Buffer): MetaResponse[] {
    if (this.#pending && this.bufferedBytes + chunk.length < this.#pending.size + 2) {
      this.#waiting.push(chunk)
      this.#waitingBytes += chunk.length
      return []
    }
    if (this.#waiting.length > 0) {
      this.#buffer = Buffer.concat([this.#buffer, ...this.#waiting, chunk])
      this.#waiting = []
      this.#waitingBytes = 0
    } else {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk])
    }
    const out: MetaResponse[] = []
    for (;;) {
      if (this.#pending) {
        const { response, size } = this.#pending
        if (this.#buffer.length < size + 2) break
        response.value = detached(this.#buffer.subarray(0, size))
        this.#buffer = this.#buffer.subarray(size + 2)
        this.#pending = null
        out.push(response)
        continue
      }
      const end = this.#buffer.indexOf(CRLF)
      if (end === -1) {
        if (this.#buffer.length > MAX_LINE_BYTES) throw new ProtocolError(this.#node, `an answer line longer than ${MAX_LINE_BYTES} bytes`)
        break
      }
      const text = this.#buffer.subarray(0, end).toString('latin1')
      this.#buffer = this.#buffer.subarray(end + 2)
      const response = parseLine(text)
      if (!KNOWN_CODES.has(response.code)) throw new ProtocolError(this.#node, `unknown answer ${JSON.stringify(text.slice(0, 80))}`)
      if (response.code === 'VA') {
        const size = Number(text.split(' ')[1])
        if (!Number.isInteger(size) || size < 0) throw new ProtocolError(this.#node, `bad value size in ${JSON.stringify(text.slice(0, 80))}`)
        this.#pending = { response, size }
        continue
      }
      out.push(response)
    }
    return out
  }
}

/**
 * A value as its own bytes where it is a small part of the chunk it came in (keeping it must not
 * keep the chunk and the other answers in it), a view of the chunk otherwise, which keeps at most
 * as many bytes again as the value: copying a large value costs a fresh allocation each time (tens
 * of µs for 60 KB, more than parsing it: `node bench/meta-parse.ts`).
 */
function detached (value: Buffer): Buffer {
  return value.length * 2 < value.buffer.byteLength ? Buffer.from(value) : value
}

function parseLine (text: string): MetaResponse {
  const space = text.indexOf(' ')
  const code = space === -1 ? text : text.slice(0, space)
  const rest = space === -1 ? '' : text.slice(space + 1)
  if (code === 'CLIENT_ERROR' || code === 'SERVER_ERROR' || code === 'STAT' || code === 'VERSION') {
    return { code, flags: new Map(), text: rest }
  }
  const tokens = rest === '' ? [] : rest.split(' ')
  // VA's first token is the value size, not a flag.
  if (code === 'VA') tokens.shift()
  const flags = new Map<string, string>()
  for (const token of tokens) if (token.length > 0) flags.set(token[0]!, token.slice(1))
  return { code, flags }
}
