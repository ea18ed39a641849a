// The client's commands for one node, in meta: each a request (or a quiet batch closed by `mn`,
// one round trip) and the answer read into the outcome the client names. Values stay bytes with
// their client flags here; what they mean (text, integer, pickle) is values.ts's business.
import { arithmeticRequest, casOf, deleteRequest, getRequest, noopRequest, statsRequest, storeRequest, touchRequest, versionRequest, type MetaResponse, type StoreMode } from './codec.ts'
import { untilEnd, untilNoop, type MetaConnection } from './connection.ts'

export interface Item {
  bytes: Buffer
  flags: number
  /** memcached's 64-bit item version, as the 8 big-endian bytes the binary protocol uses. */
  cas: Buffer
}

export type StoreOutcome = 'stored' | 'exists' | 'not-found' | 'not-stored'

/** memcached refused the request (CLIENT_ERROR, SERVER_ERROR, ERROR) or answered out of protocol. */
export class MetaServerError extends Error {
  override name = 'MetaServerError'
  readonly code: string
  constructor (response: MetaResponse) {
    super(`memcached answered ${response.code}${response.text ? `: ${response.text}` : ''}`)
    this.code = response.code
  }
}

export function casBytes (cas: bigint): Buffer {
  const bytes = Buffer.alloc(8)
  bytes.writeBigUInt64BE(cas)
  return bytes
}

function itemOf (response: MetaResponse): Item {
  return { bytes: response.value!, flags: Number(response.flags.get('f') ?? 0), cas: casBytes(casOf(response) ?? 0n) }
}

function unexpected (response: MetaResponse): never {
  throw new MetaServerError(response)
}

const STORE_OUTCOMES: Record<string, StoreOutcome> = { HD: 'stored', EX: 'exists', NF: 'not-found', NS: 'not-stored' }

export class MetaCommands {
  readonly #connection: MetaConnection

  constructor (connection: MetaConnection) {
    this.#connection = connection
  }

  async #one (request: Buffer): Promise<MetaResponse> {
    const [response] = await this.#connection.send(request)
    return response!
  }

  /** The item, or undefined on a miss; with `touchTtl` its expiry is reset in the same round trip. */
  async get (key: Buffer, touchTtl?: number): Promise<Item | undefined> {
    const response = await this.#one(getRequest(key, { touchTtl }))
    if (response.code === 'EN') return undefined
    if (response.code !== 'VA') unexpected(response)
    return itemOf(response)
  }

  async touch (key: Buffer, ttl: number): Promise<boolean> {
    const response = await this.#one(touchRequest(key, ttl))
    if (response.code === 'HD') return true
    if (response.code === 'EN') return false
    return unexpected(response)
  }

  async store (mode: StoreMode, key: Buffer, bytes: Buffer, flags: number, ttl: number, cas?: Buffer): Promise<StoreOutcome> {
    const response = await this.#one(storeRequest(key, bytes, { mode, flags, ttl, cas: cas?.readBigUInt64BE(0) }))
    return STORE_OUTCOMES[response.code] ?? unexpected(response)
  }

  async delete (key: Buffer): Promise<boolean> {
    const response = await this.#one(deleteRequest(key))
    if (response.code === 'HD') return true
    if (response.code === 'NF') return false
    return unexpected(response)
  }

  /** The counter's new value, or undefined when the key is missing. */
  async arithmetic (direction: 'incr' | 'decr', key: Buffer, delta: bigint): Promise<bigint | undefined> {
    const response = await this.#one(arithmeticRequest(key, direction, delta))
    if (response.code === 'NF') return undefined
    if (response.code !== 'VA') unexpected(response)
    return BigInt(response.value!.toString('latin1'))
  }

  /** The items found, by position in `keys`: one pipelined round trip (quiet gets, then `mn`). */
  async getMulti (keys: readonly Buffer[]): Promise<Map<number, Item>> {
    const requests = keys.map((key, i) => getRequest(key, { quiet: true, opaque: i }))
    const found = new Map<number, Item>()
    for (const response of await this.#batch(requests)) {
      if (response.code === 'VA') found.set(Number(response.flags.get('O')), itemOf(response))
      else unexpected(response)
    }
    return found
  }

  /** Stores every entry in one round trip; returns the positions that were not stored. */
  async setMulti (entries: ReadonlyArray<{ key: Buffer, bytes: Buffer, flags: number }>, ttl: number): Promise<number[]> {
    const requests = entries.map(({ key, bytes, flags }, i) => storeRequest(key, bytes, { mode: 'set', flags, ttl, quiet: true, opaque: i }))
    return (await this.#batch(requests)).map((response) => Number(response.flags.get('O') ?? -1))
  }

  /** Deletes every key in one round trip; a missing key is not a failure (as delete_multi). */
  async deleteMulti (keys: readonly Buffer[]): Promise<void> {
    const requests = keys.map((key, i) => deleteRequest(key, { quiet: true, opaque: i }))
    for (const response of await this.#batch(requests)) {
      if (response.code !== 'NF') unexpected(response)
    }
  }

  async stats (): Promise<Record<string, string>> {
    const stats: Record<string, string> = Object.create(null)
    for (const response of await this.#connection.send(statsRequest(), untilEnd)) {
      if (response.code !== 'STAT') continue
      const space = response.text!.indexOf(' ')
      stats[response.text!.slice(0, space)] = response.text!.slice(space + 1)
    }
    return stats
  }

  /** The cheapest question a node answers: for health probes. */
  async version (): Promise<string> {
    const response = await this.#one(versionRequest())
    if (response.code !== 'VERSION') unexpected(response)
    return response.text!
  }

  /** Quiet requests then `mn`: the answers that were not suppressed, without the closing MN. */
  async #batch (requests: Buffer[]): Promise<MetaResponse[]> {
    const responses = await this.#connection.send(Buffer.concat([...requests, noopRequest()]), untilNoop)
    return responses.slice(0, -1)
  }
}
