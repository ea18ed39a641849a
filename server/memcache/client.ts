// The tutorial's memcached client (python-memcached's API) over memjs, across weighted nodes.
//
// How memjs is extended: each node is a memjs `Server` (its socket, framing and response parsing),
// and requests are built with memjs's exported `Utils.makeRequestBuffer`. memjs's `Client` is not
// used: its commands carry the bugs listed in shared/spec/memjs.md (prepend sends APPEND, 64-bit
// counters misread, expiry 0 ignored, no key checks, no deadline on a closed connection), its
// `perform` drops a pipelined batch after the first answer, and its sequence number turns negative
// after 2^31 requests. So routing, sequence numbers, deadlines and the commands live here, and
// every command is one request sent through MemcacheNode.exchange.
import type { Response } from 'memjs'
import { encodeKey } from './keys.ts'
import { MemcacheNode, type NodeAddress } from './node.ts'
import { buildRequest, counterExtras, expiryExtras, Opcode, Status, storageExtras, type CasToken, type RequestParts } from './protocol.ts'
import { routeKey, weightedBuckets } from './routing.ts'
import { KetamaRing, type Hashing } from './ketama.ts'
import { decodeValue, DEFAULT_MAX_VALUE_BYTES, encodeValue, parseInteger, type MemcacheValue } from './values.ts'
import { MemcacheError, NodeDownError, ServerError } from './errors.ts'

export interface ClientOptions {
  servers: readonly NodeAddress[]
  /** Deadline of one request to one node. */
  timeoutMs?: number
  /** How long a failed node is skipped before it is tried again (python-memcached: 30 s). */
  deadRetryMs?: number
  maxValueBytes?: number
  /** 'modulo' (default): python-memcached's selection, shared with the Python original; 'ketama': consistent hashing. */
  hashing?: Hashing
}

export interface CasValue {
  value: MemcacheValue
  cas: CasToken
}

export type CasResult = 'stored' | 'exists' | 'not-found'

export const DEFAULT_TIMEOUT_MS = 500
export const DEFAULT_DEAD_RETRY_MS = 30_000
const MAX_TTL = 0xffffffff

function checkTtl (ttl: number): number {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) {
    throw new MemcacheError(`ttl must be a whole number of seconds from 0 to ${MAX_TTL}, got ${ttl}`)
  }
  return ttl
}

function valueOf (response: Response): MemcacheValue {
  const flags = response.extras.length >= 4 ? response.extras.readUInt32BE(0) : 0
  return decodeValue(response.val, flags)
}

function fail (response: Response): never {
  throw new ServerError(response.header.status, response.val.toString('utf8') || 'error')
}

export class MemcacheClient {
  readonly nodes: readonly MemcacheNode[]
  readonly buckets: readonly number[]
  /** Requests written to the network (a pipelined batch counts once): for tests and the cluster page. */
  roundTrips = 0
  readonly hashing: Hashing
  readonly #maxValueBytes: number
  readonly #ring: KetamaRing | null
  #seq = 0

  constructor (options: ClientOptions) {
    if (options.servers.length === 0) throw new MemcacheError('at least one memcached server is required')
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
    const deadRetryMs = options.deadRetryMs ?? DEFAULT_DEAD_RETRY_MS
    this.nodes = options.servers.map((address) => new MemcacheNode(address, timeoutMs, deadRetryMs))
    this.buckets = weightedBuckets(options.servers.map((s) => s.weight))
    this.#maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES
    this.hashing = options.hashing ?? 'modulo'
    this.#ring = this.hashing === 'ketama' ? new KetamaRing(options.servers) : null
  }

  /** The live node that holds `key` now (python-memcached's choice, or the ring's), or null when none is left. */
  nodeIndexFor (key: string | Buffer): number | null {
    const now = Date.now()
    const isAlive = (i: number) => this.nodes[i]!.isAlive(now)
    if (this.#ring) return this.#ring.route(typeof key === 'string' ? key : key.toString('utf8'), isAlive)
    return routeKey(key, this.buckets, isAlive)
  }

  // ---- single-key commands -------------------------------------------------------------------

  async get (key: string): Promise<MemcacheValue | undefined> {
    const response = await this.#request(key, { opcode: Opcode.GET })
    if (response.header.status === Status.KEY_NOT_FOUND) return undefined
    if (response.header.status !== Status.OK) fail(response)
    return valueOf(response)
  }

  /** The value and its CAS token (python-memcached's `gets`). */
  async gets (key: string): Promise<CasValue | undefined> {
    const response = await this.#request(key, { opcode: Opcode.GET })
    return this.#casValue(response)
  }

  /** One round trip that reads the value (with its CAS token) and resets its expiry to `ttl`. */
  async getAndTouch (key: string, ttl: number): Promise<CasValue | undefined> {
    const response = await this.#request(key, { opcode: Opcode.GAT, extras: expiryExtras(checkTtl(ttl)) })
    return this.#casValue(response)
  }

  async touch (key: string, ttl: number): Promise<boolean> {
    return this.#storeResult(await this.#request(key, { opcode: Opcode.TOUCH, extras: expiryExtras(checkTtl(ttl)) }))
  }

  /** Stores unconditionally; `ttl` 0 means no expiry. */
  async set (key: string, value: MemcacheValue, ttl = 0): Promise<true> {
    const response = await this.#store(Opcode.SET, key, value, ttl)
    if (response.header.status !== Status.OK) fail(response)
    return true
  }

  /** Stores only if the key is absent; false when it exists. */
  async add (key: string, value: MemcacheValue, ttl = 0): Promise<boolean> {
    return this.#storeResult(await this.#store(Opcode.ADD, key, value, ttl))
  }

  /** Stores only if the key exists; false when it does not. */
  async replace (key: string, value: MemcacheValue, ttl = 0): Promise<boolean> {
    return this.#storeResult(await this.#store(Opcode.REPLACE, key, value, ttl))
  }

  /** Stores only if nobody changed the key since `gets`; false when someone did (or it is gone). */
  async cas (key: string, value: MemcacheValue, token: CasToken, ttl = 0): Promise<boolean> {
    return (await this.compareAndSwap(key, value, token, ttl)) === 'stored'
  }

  /** `cas` that says why it did not store: another write came first, or the key is gone. */
  async compareAndSwap (key: string, value: MemcacheValue, token: CasToken, ttl = 0): Promise<CasResult> {
    const response = await this.#store(Opcode.SET, key, value, ttl, token)
    switch (response.header.status) {
      case Status.OK: return 'stored'
      case Status.KEY_EXISTS: return 'exists'
      case Status.KEY_NOT_FOUND: return 'not-found'
      default: return fail(response)
    }
  }

  /**
   * Adds bytes after the stored value (flags unchanged); false when the key is missing, or, with
   * `cas`, when the key changed since that token was read (memcached checks it for append too).
   */
  async append (key: string, value: string | Buffer, cas?: CasToken): Promise<boolean> {
    return this.#storeResult(await this.#request(key, { opcode: Opcode.APPEND, value: this.#rawBytes(value), cas }))
  }

  /** Adds bytes before the stored value (memjs sends APPEND here; we send PREPEND). `cas` as for append. */
  async prepend (key: string, value: string | Buffer, cas?: CasToken): Promise<boolean> {
    return this.#storeResult(await this.#request(key, { opcode: Opcode.PREPEND, value: this.#rawBytes(value), cas }))
  }

  /** The stored bytes undecoded, their flags and CAS token: to check a size before changing it. */
  async getsRaw (key: string): Promise<{ bytes: Buffer, flags: number, cas: CasToken } | undefined> {
    const response = await this.#request(key, { opcode: Opcode.GET })
    if (response.header.status === Status.KEY_NOT_FOUND) return undefined
    if (response.header.status !== Status.OK) fail(response)
    const flags = response.extras.length >= 4 ? response.extras.readUInt32BE(0) : 0
    return { bytes: response.val, flags, cas: Buffer.from(response.header.cas) }
  }

  /** Adds `delta` to a counter; undefined when the key is missing. 64-bit, wraps as memcached does. */
  incr (key: string, delta: number | bigint = 1): Promise<number | bigint | undefined> {
    return this.#counter(Opcode.INCREMENT, key, delta)
  }

  /** Subtracts `delta`, stopping at 0 (memcached's rule); undefined when the key is missing. */
  decr (key: string, delta: number | bigint = 1): Promise<number | bigint | undefined> {
    return this.#counter(Opcode.DECREMENT, key, delta)
  }

  /** True when the key existed. */
  async delete (key: string): Promise<boolean> {
    return this.#storeResult(await this.#request(key, { opcode: Opcode.DELETE }))
  }

  // ---- multi-key commands: one pipelined round trip per node ---------------------------------

  /** The keys found, with their values (python-memcached's `get_multi`); misses are absent. */
  async getMulti (keys: readonly string[]): Promise<Map<string, MemcacheValue>> {
    const found = new Map<string, MemcacheValue>()
    await this.#pipeline(keys.map((key) => ({ key, parts: { opcode: Opcode.GETKQ } })), (response) => {
      if (response.header.status === Status.OK) found.set(response.key.toString('utf8'), valueOf(response))
    })
    return found
  }

  /** Stores every entry; returns the keys that were not stored (empty on success, as `set_multi`). */
  async setMulti (entries: Iterable<[string, MemcacheValue]> | Record<string, MemcacheValue>, ttl = 0): Promise<string[]> {
    checkTtl(ttl)
    const list = Symbol.iterator in entries ? [...entries] : Object.entries(entries)
    const failed: string[] = []
    const requests = list.map(([key, value]) => {
      const { bytes, flags } = encodeValue(value, this.#maxValueBytes)
      return { key, parts: { opcode: Opcode.SETQ, extras: storageExtras(flags, ttl), value: bytes } }
    })
    // A quiet SET answers only when it fails; #pipeline maps that keyless answer back to its key.
    await this.#pipeline(requests, (response, key) => { if (response.header.status !== Status.OK) failed.push(key) }, failed)
    return failed
  }

  /** Deletes every key; true when every node answered (missing keys are not an error, as `delete_multi`). */
  async deleteMulti (keys: readonly string[]): Promise<boolean> {
    const failed: string[] = []
    await this.#pipeline(keys.map((key) => ({ key, parts: { opcode: Opcode.DELETEQ } })), () => {}, failed)
    return failed.length === 0
  }

  /** memcached's `stats` of one node, as name -> value text. */
  async stats (index: number): Promise<Record<string, string>> {
    const stats: Record<string, string> = Object.create(null)
    const seq = this.#reserveSeqs(1)
    this.roundTrips++
    await this.nodes[index]!.exchange(buildRequest({ opcode: Opcode.STAT }, seq), seq, (response) => {
      if (response.header.keyLength > 0) stats[response.key.toString()] = response.val.toString()
    }, { untilEmpty: true })
    return stats
  }

  close (): void {
    for (const node of this.nodes) node.close()
  }

  // ---- the mechanism -------------------------------------------------------------------------

  /** Reserves `count` consecutive opaques (memcached echoes them back), wrapping within 31 bits. */
  #reserveSeqs (count: number): number {
    if (this.#seq + count >= 0x7fffffff) this.#seq = 0
    const first = this.#seq + 1
    this.#seq += count
    return first
  }

  /**
   * Sends one request for `key` to its node. When the connection fails (refused, reset, closed)
   * the node is marked dead and the request goes where the key now routes, as python-memcached
   * does; a timeout is not retried (the node may have applied it, and the caller is waiting).
   */
  async #request (key: string, parts: Omit<RequestParts, 'key'>): Promise<Response> {
    const keyBytes = encodeKey(key)
    for (let attempt = 0; ; attempt++) {
      const index = this.nodeIndexFor(keyBytes)
      if (index === null) throw new NodeDownError(null)
      const seq = this.#reserveSeqs(1)
      let result: Response | undefined
      try {
        this.roundTrips++
        await this.nodes[index]!.exchange(buildRequest({ ...parts, key: keyBytes }, seq), seq, (r) => { result = r })
        return result!
      } catch (error) {
        if (!(error instanceof NodeDownError) || attempt >= this.nodes.length) throw error
      }
    }
  }

  /**
   * Sends quiet requests grouped by node, each group followed by a NOOP, all groups at once.
   * `onResponse` gets each answer with the key it belongs to. Keys whose node's connection failed
   * are re-routed (as in #request); keys that no node could take, or whose node timed out, go to `failed`.
   */
  async #pipeline (
    requests: Array<{ key: string, parts: Omit<RequestParts, 'key'> }>,
    onResponse: (response: Response, key: string) => void,
    failed: string[] = []
  ): Promise<void> {
    let pending = requests.map((r) => ({ ...r, keyBytes: encodeKey(r.key) }))
    for (let attempt = 0; pending.length > 0; attempt++) {
      const groups = new Map<number, typeof pending>()
      for (const request of pending) {
        const index = this.nodeIndexFor(request.keyBytes)
        if (index === null) { failed.push(request.key); continue }
        const group = groups.get(index)
        if (group) group.push(request); else groups.set(index, [request])
      }
      pending = []
      await Promise.all([...groups].map(async ([index, group]) => {
        // Each request in the batch gets its own opaque, so even keyless answers map back to a key.
        const seq = this.#reserveSeqs(group.length + 1)
        const buffers = group.map((r, i) => buildRequest({ ...r.parts, key: r.keyBytes }, seq + 1 + i))
        buffers.push(buildRequest({ opcode: Opcode.NOOP }, seq))
        try {
          this.roundTrips++
          await this.nodes[index]!.exchange(Buffer.concat(buffers), seq, (response) => {
            const request = group[response.header.opaque - seq - 1]
            if (request) onResponse(response, request.key)
          }, { opaques: group.length + 1, untilEmpty: true })
        } catch (error) {
          if (error instanceof NodeDownError && attempt < this.nodes.length) pending.push(...group)
          else for (const r of group) failed.push(r.key)
        }
      }))
    }
  }

  async #store (opcode: number, key: string, value: MemcacheValue, ttl: number, cas?: CasToken): Promise<Response> {
    const { bytes, flags } = encodeValue(value, this.#maxValueBytes)
    return this.#request(key, { opcode, extras: storageExtras(flags, checkTtl(ttl)), value: bytes, cas })
  }

  #storeResult (response: Response): boolean {
    switch (response.header.status) {
      case Status.OK: return true
      case Status.KEY_EXISTS:
      case Status.KEY_NOT_FOUND:
      case Status.NOT_STORED: return false
      default: return fail(response)
    }
  }

  #casValue (response: Response): CasValue | undefined {
    if (response.header.status === Status.KEY_NOT_FOUND) return undefined
    if (response.header.status !== Status.OK) fail(response)
    return { value: valueOf(response), cas: Buffer.from(response.header.cas) }
  }

  #rawBytes (value: string | Buffer): Buffer {
    return encodeValue(value, this.#maxValueBytes).bytes
  }

  async #counter (opcode: number, key: string, delta: number | bigint): Promise<number | bigint | undefined> {
    const amount = BigInt(delta)
    if (amount < 0n || amount > 0xffffffffffffffffn) throw new MemcacheError(`delta must be from 0 to 2^64-1, got ${delta}`)
    const response = await this.#request(key, { opcode, extras: counterExtras(amount) })
    if (response.header.status === Status.KEY_NOT_FOUND) return undefined
    if (response.header.status !== Status.OK) fail(response)
    return parseInteger(response.val.readBigUInt64BE(0).toString())
  }
}
