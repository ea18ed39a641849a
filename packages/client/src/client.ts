// The tutorial's memcached client (python-memcached's API) across weighted nodes: routing,
// failover, value encoding and the commands, over one transport per node (transport.ts): the
// binary protocol over memjs, or the meta protocol over TCP or TLS (MEMCACHED_PROTOCOL).
//
// How memjs is extended (binary/): each node is a memjs `Server` (its socket, framing and response parsing),
// and requests are built with memjs's exported `Utils.makeRequestBuffer`. memjs's `Client` is not
// used: its commands carry bugs (packages/client/test/memjs-bugs.test.ts shows each: prepend sends APPEND, 64-bit
// counters misread, expiry 0 ignored, no key checks, no deadline on a closed connection), its
// `perform` drops a pipelined batch after the first answer, and its sequence number turns
// negative after 2^31 requests.
import { encodeKey } from './keys.ts'
import { MemcacheNode } from './node.ts'
import { openTransport } from './open-transport.ts'
import type { CasToken, DeleteOutcome, Item, MemcachedProtocol, StoreMode, StoreResult } from './transport.ts'
import { routeKey, routeSteps, weightedBuckets } from './routing.ts'
import { KetamaRing, type Hashing } from './ketama.ts'
import { decodeValue, encodeValue, parseInteger, type MemcacheValue } from './values.ts'
import { InvalidArgumentError, isNodeFailure, NodeDownError, NotStoredError, ValueTooLargeError } from './errors.ts'
import { checkOptions, type ClientOptions } from './options.ts'

export interface CasValue {
  value: MemcacheValue
  cas: CasToken
}

export type CasResult = 'stored' | 'exists' | 'not-found'

/** Commands on one given node, without failover: for keeping copies of a key on chosen nodes. */
export interface NodeCommands {
  readonly index: number
  gets (key: string): Promise<CasValue | undefined>
  /** The stored bytes, flags and CAS token, undecoded; with `touchTtl` the expiry is reset in the same request. */
  getItem (key: string, touchTtl?: number): Promise<Item | undefined>
  /**
   * Stores bytes with the given flags (a caller's own encoding, e.g. a version in the high flag
   * bits); with `cas`, only if the item is still at that version. The outcome and the new token.
   */
  storeItem (mode: 'set' | 'add', key: string, bytes: Buffer, flags: number, ttl: number, cas?: CasToken): Promise<StoreResult>
  /** Adds; the new item's CAS token, or undefined when the key exists. */
  add (key: string, value: MemcacheValue, ttl: number): Promise<CasToken | undefined>
  /** Deletes, only if the item is still at version `cas` when one is given. */
  delete (key: string, cas?: CasToken): Promise<DeleteOutcome>
}

/**
 * Whether a command may be sent again where its key routes now after its node failed.
 * 'always': reads, and writes whose repetition is harmless (get, gets, get-and-touch, touch, set,
 * add, delete). 'unsent': only when the request certainly never reached the node (connection
 * refused or not yet open): a compare-and-swap, replace, append, prepend or counter whose outcome
 * is unknown surfaces as an error instead.
 */
type Retry = 'always' | 'unsent'

const MAX_TTL = 0xffffffff

function checkTtl (ttl: number): number {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) {
    throw new InvalidArgumentError(`ttl must be a whole number of seconds from 0 to ${MAX_TTL}, got ${ttl}`)
  }
  return ttl
}

function valueOf (item: Item): MemcacheValue {
  return decodeValue(item.bytes, item.flags)
}

function casValueOf (item: Item | undefined): CasValue | undefined {
  return item && { value: valueOf(item), cas: item.cas }
}

export class MemcacheClient {
  readonly nodes: readonly MemcacheNode[]
  readonly buckets: readonly number[]
  /** Requests written to the network (a pipelined batch counts once): for tests and the cluster page. */
  roundTrips = 0
  readonly hashing: Hashing
  readonly protocol: MemcachedProtocol
  readonly #maxValueBytes: number
  readonly #ring: KetamaRing | null

  /** Throws InvalidArgumentError for a bad option (options.ts). */
  constructor (clientOptions: ClientOptions) {
    const options = checkOptions(clientOptions)
    const probes = { probeMinMs: options.probeMinMs, probeMaxMs: options.probeMaxMs }
    this.protocol = options.protocol
    const transport = { protocol: this.protocol, timeoutMs: options.timeoutMs, tls: options.tls }
    this.nodes = options.servers.map((address) => new MemcacheNode(address, openTransport(address, transport), probes))
    this.buckets = weightedBuckets(options.servers.map((s) => s.weight))
    this.#maxValueBytes = options.maxValueBytes
    this.hashing = options.hashing
    this.#ring = this.hashing === 'ketama' ? new KetamaRing(options.servers) : null
  }

  /** The live node that holds `key` now (python-memcached's choice, or the ring's), or null when none is left. */
  nodeIndexFor (key: string | Buffer): number | null {
    const isAlive = (i: number) => this.nodes[i]!.up
    if (this.#ring) return this.#ring.route(typeof key === 'string' ? key : key.toString('utf8'), isAlive)
    return routeKey(key, this.buckets, isAlive)
  }

  /**
   * Every node `key` can live on, home first, whatever their health: python-memcached's re-hash
   * steps (distinct nodes, in order), or the ring's next nodes under ketama. A key written while
   * its home node was down is on one of the others.
   */
  routeChain (key: string): number[] {
    const servers = this.#ring
      ? this.#ring.chain(key)
      : routeSteps(encodeKey(key), this.buckets, () => false).steps.map((step) => step.server)
    return [...new Set(servers)]
  }

  /** Commands on node `index` only: no failover; the node's health follows their outcome. */
  onNode (index: number): NodeCommands {
    const node = this.nodes[index]
    if (!node) throw new InvalidArgumentError(`no node ${index}`)
    const send = <T>(command: (transport: MemcacheNode['transport']) => Promise<T>): Promise<T> => {
      this.roundTrips++
      return node.call(command)
    }
    return {
      index,
      gets: async (key) => casValueOf(await send((t) => t.get(encodeKey(key)))),
      getItem: (key, touchTtl) => send((t) => t.get(encodeKey(key), touchTtl === undefined ? undefined : checkTtl(touchTtl))),
      storeItem: (mode, key, bytes, flags, ttl, cas) => {
        if (bytes.length > this.#maxValueBytes) throw new ValueTooLargeError(`value is ${bytes.length} bytes; the limit is ${this.#maxValueBytes}`)
        if (!Number.isInteger(flags) || flags < 0 || flags > 0xffffffff) throw new InvalidArgumentError(`flags must be a 32-bit unsigned integer, got ${flags}`)
        return send((t) => t.store(mode, encodeKey(key), bytes, flags, checkTtl(ttl), cas))
      },
      add: async (key, value, ttl) => {
        const { bytes, flags } = encodeValue(value, this.#maxValueBytes)
        const { outcome, cas } = await send((t) => t.store('add', encodeKey(key), bytes, flags, checkTtl(ttl)))
        return outcome === 'stored' ? cas : undefined
      },
      delete: (key, cas) => send((t) => t.delete(encodeKey(key), cas))
    }
  }

  // ---- single-key commands -------------------------------------------------------------------

  async get (key: string): Promise<MemcacheValue | undefined> {
    const item = await this.#request(key, 'always', (t, k) => t.get(k))
    return item && valueOf(item)
  }

  /** The value and its CAS token (python-memcached's `gets`). */
  async gets (key: string): Promise<CasValue | undefined> {
    return casValueOf(await this.#request(key, 'always', (t, k) => t.get(k)))
  }

  /** One round trip that reads the value (with its CAS token) and resets its expiry to `ttl`. */
  async getAndTouch (key: string, ttl: number): Promise<CasValue | undefined> {
    checkTtl(ttl)
    return casValueOf(await this.#request(key, 'always', (t, k) => t.get(k, ttl)))
  }

  async touch (key: string, ttl: number): Promise<boolean> {
    checkTtl(ttl)
    return this.#request(key, 'always', (t, k) => t.touch(k, ttl))
  }

  /** Stores unconditionally; `ttl` 0 means no expiry. */
  async set (key: string, value: MemcacheValue, ttl = 0): Promise<true> {
    const { outcome } = await this.#store('set', key, value, ttl)
    if (outcome !== 'stored') throw new NotStoredError(`set of ${key} was not stored (${outcome})`)
    return true
  }

  /** Stores only if the key is absent; false when it exists. */
  async add (key: string, value: MemcacheValue, ttl = 0): Promise<boolean> {
    return (await this.#store('add', key, value, ttl)).outcome === 'stored'
  }

  /** Stores only if the key exists; false when it does not. */
  async replace (key: string, value: MemcacheValue, ttl = 0): Promise<boolean> {
    return (await this.#store('replace', key, value, ttl)).outcome === 'stored'
  }

  /** Stores only if nobody changed the key since `gets`; false when someone did (or it is gone). */
  async cas (key: string, value: MemcacheValue, token: CasToken, ttl = 0): Promise<boolean> {
    return (await this.compareAndSwap(key, value, token, ttl)) === 'stored'
  }

  /** `cas` that says why it did not store: another write came first, or the key is gone. */
  async compareAndSwap (key: string, value: MemcacheValue, token: CasToken, ttl = 0): Promise<CasResult> {
    const { outcome } = await this.#store('set', key, value, ttl, token)
    return outcome === 'not-stored' ? 'not-found' : outcome
  }

  /**
   * Adds bytes after the stored value (flags unchanged); false when the key is missing, or, with
   * `cas`, when the key changed since that token was read (memcached checks it for append too).
   */
  async append (key: string, value: string | Buffer, cas?: CasToken): Promise<boolean> {
    return this.#concat('append', key, value, cas)
  }

  /** Adds bytes before the stored value (memjs sends APPEND here; we send PREPEND). `cas` as for append. */
  async prepend (key: string, value: string | Buffer, cas?: CasToken): Promise<boolean> {
    return this.#concat('prepend', key, value, cas)
  }

  /** The stored bytes undecoded, their flags and CAS token: to check a size before changing it. */
  async getsRaw (key: string): Promise<Item | undefined> {
    return this.#request(key, 'always', (t, k) => t.get(k))
  }

  /** Adds `delta` to a counter; undefined when the key is missing. 64-bit, wraps as memcached does. */
  incr (key: string, delta: number | bigint = 1): Promise<number | bigint | undefined> {
    return this.#counter('incr', key, delta)
  }

  /** Subtracts `delta`, stopping at 0 (memcached's rule); undefined when the key is missing. */
  decr (key: string, delta: number | bigint = 1): Promise<number | bigint | undefined> {
    return this.#counter('decr', key, delta)
  }

  /** True when the key existed. */
  async delete (key: string): Promise<boolean> {
    return (await this.#request(key, 'always', (t, k) => t.delete(k))) === 'deleted'
  }

  // ---- multi-key commands: one pipelined round trip per node ---------------------------------

  /** The keys found, with their values (python-memcached's `get_multi`); misses are absent. */
  async getMulti (keys: readonly string[]): Promise<Map<string, MemcacheValue>> {
    const found = new Map<string, Item>()
    await this.#pipeline(keys.map((key) => ({ key })), 'always', async (transport, group) => {
      const items = await transport.getMulti(group.map((r) => r.keyBytes))
      for (const [position, item] of items) found.set(group[position]!.key, item)
    })
    // Decoded once the batch is in: a value that cannot be read (a corrupt integer) raises, as in
    // python-memcached's get_multi, instead of failing its node's group and dropping its keys.
    return new Map([...found].map(([key, item]) => [key, valueOf(item)]))
  }

  /** Stores every entry; returns the keys that were not stored (empty on success, as `set_multi`). */
  async setMulti (entries: Iterable<[string, MemcacheValue]> | Record<string, MemcacheValue>, ttl = 0): Promise<string[]> {
    checkTtl(ttl)
    const list = Symbol.iterator in entries ? [...entries] : Object.entries(entries)
    const requests = list.map(([key, value]) => ({ key, ...encodeValue(value, this.#maxValueBytes) }))
    const failed: string[] = []
    // Not repeated once sent: memcached drops the connection on an item over its limit (over TLS),
    // and that batch must not take the next node down with it.
    await this.#pipeline(requests, 'unsent', async (transport, group) => {
      const refused = await transport.setMulti(group.map((r) => ({ key: r.keyBytes, bytes: r.bytes, flags: r.flags })), ttl)
      for (const position of refused) failed.push(group[position]!.key)
    }, failed)
    return failed
  }

  /** Deletes every key; true when every node answered (missing keys are not an error, as `delete_multi`). */
  async deleteMulti (keys: readonly string[]): Promise<boolean> {
    const failed: string[] = []
    await this.#pipeline(keys.map((key) => ({ key })), 'always', (transport, group) => transport.deleteMulti(group.map((r) => r.keyBytes)), failed)
    return failed.length === 0
  }

  /** memcached's `stats` of one node, as name -> value text. */
  async stats (index: number): Promise<Record<string, string>> {
    this.roundTrips++
    return this.nodes[index]!.call((t) => t.stats())
  }

  close (): void {
    for (const node of this.nodes) node.close()
  }

  // ---- the mechanism -------------------------------------------------------------------------

  /**
   * Sends one request for `key` to its node. When the node fails (connection refused, reset or
   * closed, or no answer within the deadline) it is marked down and, if `retry` allows it, the
   * request goes where the key routes now, as python-memcached does.
   */
  async #request<T> (key: string, retry: Retry, command: (transport: MemcacheNode['transport'], key: Buffer) => Promise<T>): Promise<T> {
    const keyBytes = encodeKey(key)
    for (let attempt = 0; ; attempt++) {
      const index = this.nodeIndexFor(keyBytes)
      if (index === null) throw new NodeDownError(null)
      try {
        this.roundTrips++
        return await this.nodes[index]!.call((t) => command(t, keyBytes))
      } catch (error) {
        if (!isNodeFailure(error) || (retry === 'unsent' && error.sent) || attempt >= this.nodes.length) throw error
      }
    }
  }

  /**
   * Groups requests by node and sends each group as one batch (one round trip), all groups at
   * once. Keys whose node failed are re-routed when `retry` allows it (as in #request); keys that
   * no node could take, or whose outcome is unknown, go to `failed`. An error that is not a node's
   * failure (a ServerError, a closed client) is thrown once every group has settled.
   */
  async #pipeline<R extends { key: string }> (
    requests: readonly R[],
    retry: Retry,
    send: (transport: MemcacheNode['transport'], group: Array<R & { keyBytes: Buffer }>) => Promise<void>,
    failed: string[] = []
  ): Promise<void> {
    let pending = requests.map((r) => ({ ...r, keyBytes: encodeKey(r.key) }))
    let refusal: unknown
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
        try {
          this.roundTrips++
          await this.nodes[index]!.call((t) => send(t, group))
        } catch (error) {
          if (isNodeFailure(error) && (retry === 'always' || !error.sent) && attempt < this.nodes.length) pending.push(...group)
          else for (const r of group) failed.push(r.key)
          if (!isNodeFailure(error)) refusal ??= error
        }
      }))
    }
    if (refusal !== undefined) throw refusal
  }

  async #store (mode: StoreMode, key: string, value: MemcacheValue, ttl: number, cas?: CasToken): Promise<StoreResult> {
    checkTtl(ttl)
    const { bytes, flags } = encodeValue(value, this.#maxValueBytes)
    // A set or add may be repeated elsewhere; a compare-and-swap or replace must not (see Retry).
    const retry = (mode === 'set' && !cas) || mode === 'add' ? 'always' : 'unsent'
    return this.#request(key, retry, (t, k) => t.store(mode, k, bytes, flags, ttl, cas))
  }

  async #concat (mode: 'append' | 'prepend', key: string, value: string | Buffer, cas?: CasToken): Promise<boolean> {
    const { bytes } = encodeValue(value, this.#maxValueBytes)
    return (await this.#request(key, 'unsent', (t, k) => t.store(mode, k, bytes, 0, 0, cas))).outcome === 'stored'
  }

  async #counter (direction: 'incr' | 'decr', key: string, delta: number | bigint): Promise<number | bigint | undefined> {
    const amount = BigInt(delta)
    if (amount < 0n || amount > 0xffffffffffffffffn) throw new InvalidArgumentError(`delta must be from 0 to 2^64-1, got ${delta}`)
    const value = await this.#request(key, 'unsent', (t, k) => t.arithmetic(direction, k, amount))
    return value === undefined ? undefined : parseInteger(value.toString())
  }
}
