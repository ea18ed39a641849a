// One connection to one memcached node speaking the meta protocol, over TCP or TLS. The text
// protocol answers in request order, so pending requests form a queue: each takes answers until
// it is complete (one answer, the `MN` closing a pipelined batch, or the `END` of stats).
//
// A request that times out or fails leaves the connection's state unknown (half an answer may be
// on its way), so the socket is destroyed and every request still queued on it fails with it;
// the next request opens a fresh connection. Bytes of an old socket are never read again.
import { connect as connectTcp, isIP, type Socket } from 'node:net'
import { connect as connectTls, type ConnectionOptions } from 'node:tls'
import { ResponseParser, type MetaResponse } from './codec.ts'

export interface MetaConnectionOptions {
  host: string
  port: number
  /** Set for TLS: `ca`, `cert`, `key`, ... (the server name is taken from `host` unless given). */
  tls?: ConnectionOptions | null
  /** Deadline of one request, from the moment it is written. */
  timeoutMs: number
}

/** When a queued request has all its answers. */
export type Completion = (response: MetaResponse, received: MetaResponse[]) => boolean

export const untilOne: Completion = () => true
export const untilNoop: Completion = (response) => response.code === 'MN'
export const untilEnd: Completion = (response) => response.code === 'END'

interface Pending {
  received: MetaResponse[]
  done: Completion
  resolve: (responses: MetaResponse[]) => void
  reject: (error: Error) => void
  timer: NodeJS.Timeout
}

export class ConnectionError extends Error {
  override name = 'ConnectionError'
  /** True when the request never reached the node (connect failed), so it was certainly not applied. */
  readonly unsent: boolean
  constructor (message: string, unsent: boolean, cause?: unknown) {
    super(message, { cause })
    this.unsent = unsent
  }
}

export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError'
}

export class MetaConnection {
  readonly #options: MetaConnectionOptions
  #socket: Socket | null = null
  #connected = false
  #parser = new ResponseParser()
  #queue: Pending[] = []

  constructor (options: MetaConnectionOptions) {
    this.#options = options
  }

  get label (): string {
    return `${this.#options.host}:${this.#options.port}`
  }

  /** Writes `request` and resolves with its answers once `done` says they are complete. */
  send (request: Buffer, done: Completion = untilOne): Promise<MetaResponse[]> {
    const socket = this.#socket ?? this.#open()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#fail(socket, new RequestTimeoutError(`memcached ${this.label} did not answer within ${this.#options.timeoutMs} ms`))
      }, this.#options.timeoutMs)
      this.#queue.push({ received: [], done, resolve, reject, timer })
      socket.write(request)
    })
  }

  close (): void {
    if (this.#socket) this.#fail(this.#socket, new ConnectionError(`connection to ${this.label} closed`, false))
  }

  #open (): Socket {
    const { host, port, tls } = this.#options
    const socket = tls
      ? connectTls({ host, port, servername: isIP(host) ? undefined : host, ...tls })
      : connectTcp({ host, port })
    socket.setNoDelay(true)
    this.#socket = socket
    this.#connected = false
    this.#parser = new ResponseParser()
    socket.once(tls ? 'secureConnect' : 'connect', () => { this.#connected = true })
    socket.on('data', (chunk: Buffer) => this.#receive(socket, chunk))
    socket.on('error', (error) => {
      const unsent = !this.#connected
      this.#fail(socket, new ConnectionError(`memcached ${this.label} is unreachable: ${error.message}`, unsent, error))
    })
    socket.on('close', () => this.#fail(socket, new ConnectionError(`memcached ${this.label} closed the connection`, false)))
    return socket
  }

  #receive (socket: Socket, chunk: Buffer): void {
    if (socket !== this.#socket) return
    let responses: MetaResponse[]
    try {
      responses = this.#parser.push(chunk)
    } catch (error) {
      this.#fail(socket, error as Error)
      return
    }
    for (const response of responses) {
      const head = this.#queue[0]
      if (!head) {
        this.#fail(socket, new ConnectionError(`memcached ${this.label} sent an answer nobody asked for (${response.code})`, false))
        return
      }
      head.received.push(response)
      if (response.code === 'ERROR' || head.done(response, head.received)) {
        this.#queue.shift()
        clearTimeout(head.timer)
        head.resolve(head.received)
      }
    }
  }

  /** Fails every request queued on `socket` and drops it; a later request opens a new one. */
  #fail (socket: Socket, error: Error): void {
    if (socket !== this.#socket) return
    this.#socket = null
    socket.destroy()
    const queue = this.#queue
    this.#queue = []
    for (const pending of queue) {
      clearTimeout(pending.timer)
      pending.reject(error)
    }
  }
}
