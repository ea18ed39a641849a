// One memcached node: its memjs Server (one socket), its dead-until state, and the one way this
// project sends bytes to it: `exchange`, which adds what memjs lacks, a deadline that always fires
// and an error when the server closes the connection under a pending request (memjs#39, #162).
import memjs from 'memjs'
import type { Response, ResponseHandler, Server } from 'memjs'
import type { Socket } from 'node:net'
import { NodeDownError, TimeoutError } from './errors.ts'

export interface NodeAddress {
  host: string
  port: number
  weight: number
}

export class MemcacheNode {
  readonly label: string
  readonly server: Server
  deadUntil = 0
  lastError: string | null = null
  #watchedSocket: Socket | undefined

  readonly address: NodeAddress
  private readonly timeoutMs: number
  private readonly deadRetryMs: number

  constructor (address: NodeAddress, timeoutMs: number, deadRetryMs: number) {
    this.address = address
    this.timeoutMs = timeoutMs
    this.deadRetryMs = deadRetryMs
    this.label = `${address.host}:${address.port}`
    // memjs's own timeouts are a fallback only (ours fire first).
    this.server = new memjs.Server(address.host, address.port, undefined, undefined, {
      timeout: (timeoutMs * 2) / 1000,
      conntimeout: (timeoutMs * 2) / 1000,
      keepAlive: true
    })
    // memjs falls back to MEMCACHIER_USERNAME / MEMCACHE_PASSWORD from the environment when no
    // credentials are given, and would then start SASL: this project configures nothing implicitly.
    this.server.username = undefined
    this.server.password = undefined
  }

  isAlive (now = Date.now()): boolean {
    return this.deadUntil <= now
  }

  markDead (reason: string): void {
    this.deadUntil = Date.now() + this.deadRetryMs
    this.lastError = reason
  }

  /**
   * Writes `request` and feeds its responses to `onResponse`. A plain request carries opaque `seq`
   * and resolves on its one response. With `untilEmpty` it resolves on the first zero-length
   * answer instead: the NOOP that ends a pipelined batch (whose quiet requests carry the opaques
   * seq+1 .. seq+opaques-1), or the last line of STAT. Rejects with NodeDownError when the
   * connection failed (refused, reset, closed by the server) and TimeoutError past the deadline;
   * both mark the node dead for the retry period.
   */
  exchange (request: Buffer, seq: number, onResponse: (response: Response) => void, { opaques = 1, untilEmpty = false } = {}): Promise<void> {
    const { server } = this
    const last = seq + opaques - 1
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer)
        for (let opaque = seq; opaque <= last; opaque++) delete server.responseCallbacks[opaque]
        delete server.errorCallbacks[seq]
        if (!error) {
          this.lastError = null
          return resolve()
        }
        this.markDead(error.message)
        reject(error)
      }
      const timer = setTimeout(() => {
        settle(new TimeoutError(this.label, this.timeoutMs))
        // The connection's state is unknown now: drop it, so later requests start clean.
        server.error(new Error(`timed out after ${this.timeoutMs} ms`))
      }, this.timeoutMs)
      const handler: ResponseHandler = (response) => {
        onResponse(response)
        if (!untilEmpty || response.header.totalBodyLength === 0) settle()
      }
      handler.quiet = untilEmpty
      for (let opaque = seq; opaque <= last; opaque++) server.onResponse(opaque, handler)
      server.onError(seq, (error) => {
        settle(new NodeDownError(this.label, error))
      })
      this.#batchWrites()
      server.write(request)
      this.#watchClose()
    })
  }

  /**
   * Requests sent in the same turn of the event loop leave in one write: the socket is corked
   * now and uncorked once this turn's I/O callbacks are done (setImmediate). Under load, the
   * page views of many concurrent requests then cost one syscall instead of one each.
   */
  #batchWrites (): void {
    const socket = this.server._socket
    if (!socket || !this.server.connected || socket.writableCorked > 0) return
    socket.cork()
    setImmediate(() => socket.uncork())
  }

  close (): void {
    this.server.close()
  }

  /** memjs forgets pending requests when the server closes the socket without an error; fail them. */
  #watchClose (): void {
    const socket = this.server._socket
    if (!socket || socket === this.#watchedSocket) return
    this.#watchedSocket = socket
    socket.setNoDelay(true)
    socket.once('close', () => {
      if (Object.keys(this.server.errorCallbacks).length > 0) {
        this.server.error(new Error('connection closed by the server'))
      }
    })
  }
}
