// What the client asks of one memcached node, whatever protocol carries it. Two implementations:
// binary/transport.ts (memcached's binary protocol, over memjs) and meta/transport.ts (the meta
// protocol, over node:net or node:tls). The client above does routing, failover, value encoding
// and node health; a transport does bytes, framing and one node's deadlines.
//
// Keys arrive checked (keys.ts) and values encoded (values.ts): here they are bytes and flags.
// Every method either returns the node's answer or throws one of errors.ts's types, the same for
// both transports (test/transport-contract.test.ts runs one contract on each):
//   NodeDownError      the connection failed; `sent` says whether the request may have been applied
//   TimeoutError       no answer within the deadline (the connection is dropped, never reused)
//   ProtocolError      bytes that are not the protocol (the connection is dropped)
//   ServerError        the node refused the request; `status` is the same word on both protocols.
//                      getMulti and deleteMulti throw it too (a missing key is not an error)
//   ClientClosedError  close() was called: pending requests fail with it, later ones at once

import type { ConnectionOptions } from 'node:tls'

/** The wire protocol to the nodes: memcached's meta protocol, or its binary protocol (over memjs). */
export type MemcachedProtocol = 'meta' | 'binary'

export interface TransportOptions {
  /** Deadline of one request, in ms. */
  timeoutMs: number
  /** TLS options, or null for plain TCP. */
  tls: ConnectionOptions | null
}

/**
 * How the client opens each node's transport: `metaTransport` (the default, this package's entry)
 * or `binaryTransport` (`@memcache-session/client/binary`, which needs memjs).
 */
export interface TransportFactory {
  readonly protocol: MemcachedProtocol
  /** Whether it can carry TLS. */
  readonly supportsTls: boolean
  open (node: { host: string, port: number }, options: TransportOptions): NodeTransport
}

/** A CAS token: memcached's 64-bit item version, as 8 big-endian bytes (the binary protocol's form). */
export type CasToken = Buffer

export interface Item {
  bytes: Buffer
  flags: number
  cas: CasToken
}

export type StoreMode = 'set' | 'add' | 'replace' | 'append' | 'prepend'

/** stored; exists: a CAS token is stale; not-found: a CAS write on a missing key; not-stored: add/replace/append refused. */
export type StoreOutcome = 'stored' | 'exists' | 'not-found' | 'not-stored'

export interface StoreResult {
  outcome: StoreOutcome
  /** The stored item's new CAS token (when stored). */
  cas?: Buffer
}

/** deleted; exists: a CAS token was given and the item changed since; not-found. */
export type DeleteOutcome = 'deleted' | 'exists' | 'not-found'

export interface NodeTransport {
  readonly protocol: MemcachedProtocol
  readonly tls: boolean
  /** The item, or undefined on a miss; with `touchTtl` its expiry is reset in the same round trip. */
  get (key: Buffer, touchTtl?: number): Promise<Item | undefined>
  touch (key: Buffer, ttl: number): Promise<boolean>
  /** `cas` makes it a compare-and-swap (mode `set` only). */
  store (mode: StoreMode, key: Buffer, bytes: Buffer, flags: number, ttl: number, cas?: Buffer): Promise<StoreResult>
  /** With `cas`, only if the item is still at that version. */
  delete (key: Buffer, cas?: Buffer): Promise<DeleteOutcome>
  /** The counter's new value (64-bit: incr wraps, decr stops at 0), or undefined when the key is missing. */
  arithmetic (direction: 'incr' | 'decr', key: Buffer, delta: bigint): Promise<bigint | undefined>
  /** One round trip: the items found, by position in `keys`. */
  getMulti (keys: readonly Buffer[]): Promise<Map<number, Item>>
  /** One round trip: the positions of the entries that were not stored. */
  setMulti (entries: ReadonlyArray<{ key: Buffer, bytes: Buffer, flags: number }>, ttl: number): Promise<number[]>
  /** One round trip; a missing key is not a failure (as python-memcached's delete_multi): the positions of those. */
  deleteMulti (keys: readonly Buffer[]): Promise<number[]>
  stats (): Promise<Record<string, string>>
  /** The cheapest request the node answers: for health probes. */
  probe (): Promise<void>
  close (): void
}

/** memcached's CAS tokens as the 8 big-endian bytes this project passes around. */
export function casBytes (cas: bigint): Buffer {
  const bytes = Buffer.alloc(8)
  bytes.writeBigUInt64BE(cas)
  return bytes
}
