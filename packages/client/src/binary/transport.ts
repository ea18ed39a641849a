// The binary transport: each of the client's commands for one node as binary-protocol requests
// over memjs (connection.ts), and the answer's status read into the outcome the client names.
import type { Response } from 'memjs'
import { type DeleteOutcome, type Item, type NodeTransport, type StoreMode, type StoreResult } from '../transport.ts'
import { BinaryConnection } from './connection.ts'
import { counterExtras, expiryExtras, Opcode, serverError, Status, storageExtras, type RequestParts } from './protocol.ts'

const STORE_OPCODES: Record<StoreMode, number> = { set: Opcode.SET, add: Opcode.ADD, replace: Opcode.REPLACE, append: Opcode.APPEND, prepend: Opcode.PREPEND }
const NOOP: RequestParts = { opcode: Opcode.NOOP }

function unexpected (response: Response): never {
  throw serverError(response.header.status, response.val.toString('utf8'))
}

function itemOf (response: Response): Item {
  const flags = response.extras.length >= 4 ? response.extras.readUInt32BE(0) : 0
  return { bytes: response.val, flags, cas: Buffer.from(response.header.cas) }
}

/** The item, undefined on a miss. */
function found (response: Response): Item | undefined {
  if (response.header.status === Status.KEY_NOT_FOUND) return undefined
  if (response.header.status !== Status.OK) unexpected(response)
  return itemOf(response)
}

export interface BinaryTransportOptions {
  host: string
  port: number
  timeoutMs: number
}

export class BinaryTransport implements NodeTransport {
  readonly protocol = 'binary' as const
  readonly tls = false
  readonly connection: BinaryConnection

  constructor ({ host, port, timeoutMs }: BinaryTransportOptions) {
    this.connection = new BinaryConnection(host, port, timeoutMs)
  }

  async get (key: Buffer, touchTtl?: number): Promise<Item | undefined> {
    const parts: RequestParts = touchTtl === undefined ? { opcode: Opcode.GET, key } : { opcode: Opcode.GAT, key, extras: expiryExtras(touchTtl) }
    return found(await this.connection.request(parts))
  }

  async touch (key: Buffer, ttl: number): Promise<boolean> {
    return found(await this.connection.request({ opcode: Opcode.TOUCH, key, extras: expiryExtras(ttl) })) !== undefined
  }

  async store (mode: StoreMode, key: Buffer, bytes: Buffer, flags: number, ttl: number, cas?: Buffer): Promise<StoreResult> {
    // Append and prepend carry no extras: the item keeps its flags and expiry.
    const extras = mode === 'append' || mode === 'prepend' ? undefined : storageExtras(flags, ttl)
    const response = await this.connection.request({ opcode: STORE_OPCODES[mode], key, extras, value: bytes, cas })
    switch (response.header.status) {
      case Status.OK: return { outcome: 'stored', cas: Buffer.from(response.header.cas) }
      // KEY_EXISTS is a stale token, or an add refused because the key is there (meta: NS).
      case Status.KEY_EXISTS: return { outcome: cas ? 'exists' : 'not-stored' }
      // A CAS write on a missing key is "not found"; add/replace/append refusals are NOT_STORED
      // (memcached answers replace/append on a missing key with KEY_NOT_FOUND: the same refusal).
      case Status.KEY_NOT_FOUND: return { outcome: cas ? 'not-found' : 'not-stored' }
      case Status.NOT_STORED: return { outcome: 'not-stored' }
      default: return unexpected(response)
    }
  }

  async delete (key: Buffer, cas?: Buffer): Promise<DeleteOutcome> {
    const response = await this.connection.request({ opcode: Opcode.DELETE, key, cas })
    switch (response.header.status) {
      case Status.OK: return 'deleted'
      case Status.KEY_EXISTS: return 'exists'
      case Status.KEY_NOT_FOUND: return 'not-found'
      default: return unexpected(response)
    }
  }

  async arithmetic (direction: 'incr' | 'decr', key: Buffer, delta: bigint): Promise<bigint | undefined> {
    const opcode = direction === 'incr' ? Opcode.INCREMENT : Opcode.DECREMENT
    const response = await this.connection.request({ opcode, key, extras: counterExtras(delta) })
    if (response.header.status === Status.KEY_NOT_FOUND) return undefined
    if (response.header.status !== Status.OK) unexpected(response)
    return response.val.readBigUInt64BE(0)
  }

  async getMulti (keys: readonly Buffer[]): Promise<Map<number, Item>> {
    const items = new Map<number, Item>()
    // A quiet GET answers only hits; any other answer is an error status, which fails the batch
    // (as on meta) at once: memcached may close the connection after it (a key it cannot parse).
    await this.connection.batch(keys.map((key) => ({ opcode: Opcode.GETKQ, key })), NOOP, (response, position) => {
      if (response.header.status !== Status.OK) unexpected(response)
      items.set(position, itemOf(response))
    })
    return items
  }

  async setMulti (entries: ReadonlyArray<{ key: Buffer, bytes: Buffer, flags: number }>, ttl: number): Promise<number[]> {
    const failed: number[] = []
    const requests = entries.map(({ key, bytes, flags }) => ({ opcode: Opcode.SETQ, key, extras: storageExtras(flags, ttl), value: bytes }))
    // A quiet SET answers only when it fails.
    await this.connection.batch(requests, NOOP, (response, position) => {
      if (response.header.status !== Status.OK) failed.push(position)
    })
    return failed
  }

  async deleteMulti (keys: readonly Buffer[]): Promise<number[]> {
    // A quiet DELETE answers only when it fails; a missing key is not a failure here (its position
    // is returned), any other status is (as on meta).
    const missing: number[] = []
    await this.connection.batch(keys.map((key) => ({ opcode: Opcode.DELETEQ, key })), NOOP, (response, position) => {
      if (response.header.status !== Status.KEY_NOT_FOUND) unexpected(response)
      missing.push(position)
    })
    return missing
  }

  async stats (): Promise<Record<string, string>> {
    const stats: Record<string, string> = Object.create(null)
    await this.connection.stream({ opcode: Opcode.STAT }, (response) => {
      if (response.header.keyLength > 0) stats[response.key.toString()] = response.val.toString()
    })
    return stats
  }

  async probe (): Promise<void> {
    await this.connection.request(NOOP)
  }

  close (): void {
    this.connection.close()
  }
}
