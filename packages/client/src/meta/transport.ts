// The meta transport: each of the client's commands for one node as a meta request (or a quiet
// batch closed by `mn`, one round trip) and the answer read into the outcome the client names.
import type { ConnectionOptions } from 'node:tls'
import { arithmeticRequest, casOf, deleteRequest, getRequest, noopRequest, statsRequest, storeRequest, touchRequest, versionRequest, type MetaResponse, type WireRequest } from './codec.ts'
import { MetaConnection, untilEnd, untilNoop } from './connection.ts'
import { ServerError, type ServerErrorStatus } from '../errors.ts'
import { casBytes, type DeleteOutcome, type Item, type NodeTransport, type StoreMode, type StoreOutcome, type StoreResult, type TransportFactory } from '../transport.ts'

function itemOf (response: MetaResponse): Item {
  return { bytes: response.value!, flags: Number(response.flags.get('f') ?? 0), cas: casBytes(casOf(response) ?? 0n) }
}

/** The word both transports use for an error line (the binary protocol's statuses say the same). */
function statusOf ({ code, text = '' }: MetaResponse): ServerErrorStatus {
  if (code === 'ERROR') return 'unknown-command'
  if (/non-numeric/i.test(text)) return 'non-numeric'
  if (/too large/i.test(text)) return 'too-large'
  if (/out of memory/i.test(text)) return 'out-of-memory'
  return code === 'CLIENT_ERROR' ? 'invalid-request' : 'other'
}

/** memcached refused the request (CLIENT_ERROR, SERVER_ERROR, ERROR), or answered with a status the command does not name. */
function unexpected (response: MetaResponse): never {
  throw new ServerError(statusOf(response), response.text ? `${response.code} ${response.text}` : response.code)
}

const STORE_OUTCOMES: Record<string, StoreOutcome> = { HD: 'stored', EX: 'exists', NF: 'not-found', NS: 'not-stored' }
const DELETE_OUTCOMES: Record<string, DeleteOutcome> = { HD: 'deleted', EX: 'exists', NF: 'not-found' }

export interface MetaTransportOptions {
  host: string
  port: number
  timeoutMs: number
  /** TLS options, or null for plain TCP. */
  tls: ConnectionOptions | null
}

export class MetaTransport implements NodeTransport {
  readonly protocol = 'meta' as const
  readonly tls: boolean
  readonly #connection: MetaConnection

  constructor (options: MetaTransportOptions) {
    this.tls = options.tls !== null
    this.#connection = new MetaConnection(options)
  }

  async #one (request: WireRequest): Promise<MetaResponse> {
    const [response] = await this.#connection.send(request)
    return response!
  }

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

  async store (mode: StoreMode, key: Buffer, bytes: Buffer, flags: number, ttl: number, cas?: Buffer): Promise<StoreResult> {
    const response = await this.#one(storeRequest(key, bytes, { mode, flags, ttl, cas: cas?.readBigUInt64BE(0) }))
    const outcome = STORE_OUTCOMES[response.code] ?? unexpected(response)
    const token = casOf(response)
    return outcome === 'stored' && token !== undefined ? { outcome, cas: casBytes(token) } : { outcome }
  }

  async delete (key: Buffer, cas?: Buffer): Promise<DeleteOutcome> {
    const response = await this.#one(deleteRequest(key, { cas: cas?.readBigUInt64BE(0) }))
    return DELETE_OUTCOMES[response.code] ?? unexpected(response)
  }

  async arithmetic (direction: 'incr' | 'decr', key: Buffer, delta: bigint): Promise<bigint | undefined> {
    const response = await this.#one(arithmeticRequest(key, direction, delta))
    if (response.code === 'NF') return undefined
    if (response.code !== 'VA') unexpected(response)
    return BigInt(response.value!.toString('latin1'))
  }

  async getMulti (keys: readonly Buffer[]): Promise<Map<number, Item>> {
    const requests = keys.map((key, i) => getRequest(key, { quiet: true, opaque: i }))
    const found = new Map<number, Item>()
    for (const response of await this.#batch(requests)) {
      if (response.code === 'VA') found.set(Number(response.flags.get('O')), itemOf(response))
      else unexpected(response)
    }
    return found
  }

  async setMulti (entries: ReadonlyArray<{ key: Buffer, bytes: Buffer, flags: number }>, ttl: number): Promise<number[]> {
    // Not quiet, and each request carries its position as opaque: every success answers HD with
    // it, while memcached's error lines (SERVER_ERROR object too large...) carry no opaque and may
    // even come before earlier requests' answers. A position without its HD failed.
    // No `c`: nothing keeps a batch's new tokens, so none is asked for (each success is `HD O<i>`).
    const requests = entries.map(({ key, bytes, flags }, i) => storeRequest(key, bytes, { mode: 'set', flags, ttl, opaque: i, returnCas: false }))
    const stored = new Set<number>()
    for (const response of await this.#batch(requests)) {
      if (response.code === 'HD') stored.add(Number(response.flags.get('O')))
    }
    return entries.map((_, i) => i).filter((i) => !stored.has(i))
  }

  async deleteMulti (keys: readonly Buffer[]): Promise<number[]> {
    const requests = keys.map((key, i) => deleteRequest(key, { quiet: true, opaque: i }))
    const missing: number[] = []
    for (const response of await this.#batch(requests)) {
      // A quiet delete answers only a key that was not there: NF with its position.
      if (response.code === 'NF') missing.push(Number(response.flags.get('O')))
      else unexpected(response)
    }
    return missing
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

  async probe (): Promise<void> {
    await this.version()
  }

  async version (): Promise<string> {
    const response = await this.#one(versionRequest())
    if (response.code !== 'VERSION') unexpected(response)
    return response.text!
  }

  close (): void {
    this.#connection.close()
  }

  /** Quiet requests then `mn`: the answers that were not suppressed, without the closing MN. */
  async #batch (requests: WireRequest[]): Promise<MetaResponse[]> {
    const responses = await this.#connection.send([...requests.flat(), ...noopRequest()], untilNoop)
    return responses.slice(0, -1)
  }
}

/** The default transport: the meta protocol over node:net, or node:tls when `tls` is given. */
export const metaTransport: TransportFactory = {
  protocol: 'meta',
  supportsTls: true,
  open: ({ host, port }, { timeoutMs, tls }) => new MetaTransport({ host, port, timeoutMs, tls })
}
