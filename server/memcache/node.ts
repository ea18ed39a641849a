// One memcached node as the client sees it: its address, the transport that carries its
// requests (binary or meta, transport.ts), and its health: a node that failed is skipped for
// the retry period, as python-memcached's dead_retry.
import type { NodeTransport } from './transport.ts'
import { NodeDownError, TimeoutError } from './errors.ts'

export interface NodeAddress {
  host: string
  port: number
  weight: number
}

export class MemcacheNode {
  readonly address: NodeAddress
  readonly label: string
  readonly transport: NodeTransport
  deadUntil = 0
  lastError: string | null = null
  readonly #deadRetryMs: number

  constructor (address: NodeAddress, transport: NodeTransport, deadRetryMs: number) {
    this.address = address
    this.label = `${address.host}:${address.port}`
    this.transport = transport
    this.#deadRetryMs = deadRetryMs
  }

  isAlive (now = Date.now()): boolean {
    return this.deadUntil <= now
  }

  markDead (reason: string): void {
    this.deadUntil = Date.now() + this.#deadRetryMs
    this.lastError = reason
  }

  /** Runs one transport call, keeping the node's health in step with its outcome. */
  async call<T> (command: (transport: NodeTransport) => Promise<T>): Promise<T> {
    try {
      const result = await command(this.transport)
      this.lastError = null
      return result
    } catch (error) {
      if (error instanceof NodeDownError || error instanceof TimeoutError) this.markDead(error.message)
      throw error
    }
  }

  close (): void {
    this.transport.close()
  }
}
