// One connection to one memcached node speaking the meta protocol, over TCP or TLS. The text
// protocol answers in request order, so pending requests form a queue: each takes answers until
// it is complete (one answer, the `MN` closing a pipelined batch, or the `END` of stats).
//
// A request that times out or fails leaves the connection's state unknown (half an answer may be
// on its way), so the socket is destroyed and every request still queued on it fails with it;
// the next request opens a fresh connection. Bytes of an old socket are never read again.
// Failures are errors.ts's NodeDownError and TimeoutError, with `sent` false only while the
// connection was not yet up (then the request certainly was not applied).
import { connect as connectTcp, isIP, type Socket } from 'node:net'
import { connect as connectTls, type ConnectionOptions } from 'node:tls'
import { ResponseParser, type MetaResponse, type WireRequest } from './codec.ts'
import { startDeadline, type Deadline } from '../deadline.ts'
import { ClientClosedError, NodeDownError, ProtocolError, TimeoutError } from '../errors.ts'

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
/** A quiet batch: memcached answers every line (ERROR included) before the closing `MN`. */
export const untilNoop: Completion = (response) => response.code === 'MN'
/** stats: STAT lines then END, or one error line. */
export const untilEnd: Completion = (response) => response.code === 'END' || response.code.endsWith('ERROR')

interface Pending {
  received: MetaResponse[]
  done: Completion
  resolve: (responses: MetaResponse[]) => void
  reject: (error: Error) => void
  deadline: Deadline
}

export class MetaConnection {
  readonly #options: MetaConnectionOptions
  readonly label: string
  #socket: Socket | null = null
  #connected = false
  #parser: ResponseParser
  #closed = false
  #queue: Pending[] = []
  /** Bytes received on every socket of this connection: the progress that excuses a late answer. */
  #bytesIn = 0

  constructor (options: MetaConnectionOptions) {
    this.#options = options
    this.label = `${options.host}:${options.port}`
    this.#parser = new ResponseParser(this.label)
  }

  /** Writes `request` and resolves with its answers once `done` says they are complete. */
  send (request: WireRequest, done: Completion = untilOne): Promise<MetaResponse[]> {
    if (this.#closed) return Promise.reject(new ClientClosedError(this.label, false))
    const socket = this.#socket ?? this.#open()
    const { timeoutMs } = this.#options
    return new Promise((resolve, reject) => {
      const deadline = startDeadline(timeoutMs, () => this.#bytesIn, () => {
        this.#fail(socket, new TimeoutError(this.label, timeoutMs, this.#connected))
      })
      this.#queue.push({ received: [], done, resolve, reject, deadline })
      this.#cork(socket)
      for (const part of request) socket.write(part)
    })
  }

  /** Fails the requests still waiting with ClientClosedError; later ones fail at once. */
  close (): void {
    this.#closed = true
    if (this.#socket) this.#fail(this.#socket, new ClientClosedError(this.label, this.#connected))
  }

  #open (): Socket {
    const { host, port, tls } = this.#options
    const socket = tls
      ? connectTls({ host, port, servername: isIP(host) ? undefined : host, ...tls })
      : connectTcp({ host, port })
    socket.setNoDelay(true)
    this.#socket = socket
    this.#connected = false
    this.#parser = new ResponseParser(this.label)
    socket.once(tls ? 'secureConnect' : 'connect', () => { if (socket === this.#socket) this.#connected = true })
    socket.on('data', (chunk: Buffer) => this.#receive(socket, chunk))
    // Until the connection is up (refused, TLS handshake refused) nothing was sent.
    socket.on('error', (error) => this.#fail(socket, new NodeDownError(this.label, error, this.#connected)))
    socket.on('close', () => this.#fail(socket, new NodeDownError(this.label, new Error('the server closed the connection'), this.#connected)))
    return socket
  }

  /**
   * Requests written in the same turn of the event loop leave in one write: the socket is corked
   * now and uncorked once this turn's callbacks are done, so concurrent page views share a syscall.
   */
  #cork (socket: Socket): void {
    if (!this.#connected || socket.writableCorked > 0) return
    socket.cork()
    setImmediate(() => socket.uncork())
  }

  #receive (socket: Socket, chunk: Buffer): void {
    if (socket !== this.#socket) return
    this.#bytesIn += chunk.length
    let responses: MetaResponse[]
    try {
      responses = this.#parser.push(chunk)
    } catch (error) {
      this.#fail(socket, error instanceof ProtocolError ? error : new ProtocolError(this.label, String(error)))
      return
    }
    for (const response of responses) {
      const head = this.#queue[0]
      if (!head) {
        this.#fail(socket, new ProtocolError(this.label, `an answer nobody asked for (${response.code})`))
        return
      }
      head.received.push(response)
      if (head.done(response, head.received)) {
        this.#queue.shift()
        head.deadline.cancel()
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
      pending.deadline.cancel()
      pending.reject(error)
    }
  }
}
