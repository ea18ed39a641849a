// The tutorial's memcached client (python-memcached's API) across weighted nodes: the commands,
// over one transport per node (transport.ts): the meta protocol over TCP or TLS (the default), or
// the binary protocol over memjs (@memcache-session/client/binary). The rest has a module each: options.ts checks the options, router.ts
// picks the node, dispatch.ts sends, fails over and instruments, node.ts keeps each node's
// health, values.ts encodes values as python-memcached does, arguments.ts checks the rest.
//
// How memjs is extended (binary/): each node is a memjs `Server` (its socket, framing and response
// parsing), and requests are built with memjs's exported `Utils.makeRequestBuffer`. memjs's
// `Client` is not used: its commands carry bugs (packages/client/test/memjs-bugs.test.ts shows
// each: prepend sends APPEND, 64-bit counters misread, expiry 0 ignored, no key checks, no
// deadline on a closed connection), its `perform` drops a pipelined batch after the first answer,
// and its sequence number turns negative after 2^31 requests.
import { checkDelta, checkTtl } from './arguments.ts'
import { Dispatcher } from './dispatch.ts'
import { NotStoredError } from './errors.ts'
import type { Hashing } from './ketama.ts'
import { MemcacheNode } from './node.ts'
import { nodeCommands, type NodeCommands } from './node-commands.ts'
import { checkOptions, type ClientOptions } from './options.ts'
import { createRouter, type Router } from './router.ts'
import { weightedBuckets } from './routing.ts'
import type { CasToken, Item, MemcachedProtocol, StoreMode, StoreResult } from './transport.ts'
import { casValueOf, valueOf, encodeValue, parseInteger, type CasValue, type MemcacheValue } from './values.ts'

export type CasResult = 'stored' | 'exists' | 'not-found'

const itemBytes = (item: Item | undefined): number => item?.bytes.length ?? 0

export class MemcacheClient {
  readonly nodes: readonly MemcacheNode[]
  readonly router: Router
  /** python-memcached's weighted buckets (each node's index `weight` times), whatever the hashing. */
  readonly buckets: readonly number[]
  readonly hashing: Hashing
  readonly protocol: MemcachedProtocol
  /** How long a request waits for its node's answer (ms) before the node counts as hung. */
  readonly timeoutMs: number
  readonly #maxValueBytes: number
  readonly #dispatch: Dispatcher

  /** Throws InvalidArgumentError for a bad option (options.ts). */
  constructor (clientOptions: ClientOptions) {
    const options = checkOptions(clientOptions)
    const probes = { probeMinMs: options.probeMinMs, probeMaxMs: options.probeMaxMs }
    this.protocol = options.transport.protocol
    this.timeoutMs = options.timeoutMs
    const transport = { timeoutMs: options.timeoutMs, tls: options.tls }
    this.nodes = options.servers.map((address) => new MemcacheNode(this, address, options.transport.open(address, transport), probes))
    this.router = createRouter(options.hashing, options.servers)
    this.buckets = weightedBuckets(options.servers.map((s) => s.weight))
    this.hashing = options.hashing
    this.#maxValueBytes = options.maxValueBytes
    this.#dispatch = new Dispatcher(this, this.nodes, this.router)
  }

  /** The live node that holds `key` now (python-memcached's choice, or the ring's), or null when none is left. */
  nodeIndexFor (key: string | Buffer): number | null {
    return this.#dispatch.nodeFor(key)
  }

  /**
   * Every node `key` can live on, home first, whatever their health: python-memcached's re-hash
   * steps (distinct nodes, in order), or the ring's next nodes under ketama. A key written while
   * its home node was down is on one of the others.
   */
  routeChain (key: string): number[] {
    return this.router.chain(key)
  }

  /** Commands on node `index` only: no failover; the node's health follows their outcome. */
  onNode (index: number): NodeCommands {
    return nodeCommands(this.#dispatch, index, this.#maxValueBytes)
  }

  // ---- single-key commands -------------------------------------------------------------------

  async get (key: string): Promise<MemcacheValue | undefined> {
    const item = await this.#dispatch.request('get', key, 'always', (t, k) => t.get(k), { received: itemBytes })
    return item && valueOf(item)
  }

  /** The value and its CAS token (python-memcached's `gets`). */
  async gets (key: string): Promise<CasValue | undefined> {
    return casValueOf(await this.#dispatch.request('gets', key, 'always', (t, k) => t.get(k), { received: itemBytes }))
  }

  /** One round trip that reads the value (with its CAS token) and resets its expiry to `ttl`. */
  async getAndTouch (key: string, ttl: number): Promise<CasValue | undefined> {
    checkTtl(ttl)
    return casValueOf(await this.#dispatch.request('gat', key, 'always', (t, k) => t.get(k, ttl), { received: itemBytes }))
  }

  async touch (key: string, ttl: number): Promise<boolean> {
    checkTtl(ttl)
    return this.#dispatch.request('touch', key, 'always', (t, k) => t.touch(k, ttl))
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
    return this.#dispatch.request('gets', key, 'always', (t, k) => t.get(k), { received: itemBytes })
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
    return (await this.#dispatch.request('delete', key, 'always', (t, k) => t.delete(k))) === 'deleted'
  }

  // ---- multi-key commands: one pipelined round trip per node ---------------------------------

  /** The keys found, with their values (python-memcached's `get_multi`); misses are absent. */
  async getMulti (keys: readonly string[]): Promise<Map<string, MemcacheValue>> {
    const found = new Map<string, Item>()
    await this.#dispatch.pipeline('getMulti', keys.map((key) => ({ key })), 'always', async (transport, group) => {
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
    await this.#dispatch.pipeline('setMulti', requests, 'unsent', async (transport, group) => {
      const refused = await transport.setMulti(group.map((r) => ({ key: r.keyBytes, bytes: r.bytes, flags: r.flags })), ttl)
      for (const position of refused) failed.push(group[position]!.key)
    }, failed)
    return failed
  }

  /** Deletes every key; true when every node answered (missing keys are not an error, as `delete_multi`). */
  async deleteMulti (keys: readonly string[]): Promise<boolean> {
    const failed: string[] = []
    await this.#dispatch.pipeline('deleteMulti', keys.map((key) => ({ key })), 'always', async (transport, group) => { await transport.deleteMulti(group.map((r) => r.keyBytes)) }, failed)
    return failed.length === 0
  }

  /** memcached's `stats` of one node, as name -> value text. */
  async stats (index: number): Promise<Record<string, string>> {
    return this.#dispatch.call('stats', index, (t) => t.stats())
  }

  /** Closes every connection: requests still waiting fail with ClientClosedError, as do later ones. */
  close (): void {
    for (const node of this.nodes) node.close()
  }

  async #store (mode: StoreMode, key: string, value: MemcacheValue, ttl: number, cas?: CasToken): Promise<StoreResult> {
    checkTtl(ttl)
    const { bytes, flags } = encodeValue(value, this.#maxValueBytes)
    // A set or add may be repeated elsewhere; a compare-and-swap or replace must not (see Retry).
    const retry = (mode === 'set' && !cas) || mode === 'add' ? 'always' : 'unsent'
    return this.#dispatch.request(cas ? 'cas' : mode, key, retry, (t, k) => t.store(mode, k, bytes, flags, ttl, cas), { sent: bytes.length })
  }

  async #concat (mode: 'append' | 'prepend', key: string, value: string | Buffer, cas?: CasToken): Promise<boolean> {
    const { bytes } = encodeValue(value, this.#maxValueBytes)
    return (await this.#dispatch.request(mode, key, 'unsent', (t, k) => t.store(mode, k, bytes, 0, 0, cas), { sent: bytes.length })).outcome === 'stored'
  }

  async #counter (direction: 'incr' | 'decr', key: string, delta: number | bigint): Promise<number | bigint | undefined> {
    const amount = checkDelta(delta)
    const value = await this.#dispatch.request(direction, key, 'unsent', (t, k) => t.arithmetic(direction, k, amount))
    return value === undefined ? undefined : parseInteger(value.toString())
  }
}
