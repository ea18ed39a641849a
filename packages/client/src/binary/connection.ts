// One connection to one memcached node in the binary protocol: a memjs Server (socket, framing,
// response parsing) and `exchange`, which adds what memjs lacks:
//
// - a deadline that always fires (memjs#39, #162) and blames the node only when it is at fault
//   (deadline.ts);
// - an error when the server closes the connection under a pending request (memjs forgets it);
// - a connection that failed or timed out is never reused: memjs's `Server.error()` destroys the
//   socket but keeps the bytes of a half-read answer in its response buffer, which would be parsed
//   as the start of every later answer. A fresh memjs Server replaces it;
// - requests sent in the same turn of the event loop leave in one write (cork until setImmediate);
// - bytes that are not the binary protocol (memjs reads any 24 bytes as a header and waits for the
//   body they announce) fail the connection with ProtocolError at once;
// - close() fails what is pending with ClientClosedError, and later requests at once.
import memjs from 'memjs'
import type { Response, ResponseHandler, Server } from 'memjs'
import type { Socket } from 'node:net'
import { startDeadline } from '../deadline.ts'
import { ClientClosedError, NodeDownError, ProtocolError, TimeoutError } from '../errors.ts'
import { buildRequest, RESPONSE_MAGIC, Status, type RequestParts } from './protocol.ts'

export interface ExchangeOptions {
  /** The requests in `request` are a quiet batch closed by a NOOP: resolve on the first empty answer. */
  untilEmpty?: boolean
}

export class BinaryConnection {
  readonly label: string
  readonly #host: string
  readonly #port: number
  readonly #timeoutMs: number
  #server: Server
  #watchedSocket: Socket | undefined
  /** Bytes received on every socket of this connection: the progress that excuses a late answer. */
  #bytesIn = 0
  /** Opaques, echoed back by memcached, map answers to requests; 0 is never handed out. */
  #seq = 0
  #closed = false

  constructor (host: string, port: number, timeoutMs: number) {
    this.#host = host
    this.#port = port
    this.#timeoutMs = timeoutMs
    this.label = `${host}:${port}`
    this.#server = this.#newServer()
  }

  /** One request; resolves with its one answer. */
  async request (parts: RequestParts): Promise<Response> {
    const seq = this.#reserve(1)
    let answer: Response | undefined
    await this.exchange(buildRequest(parts, seq), seq, 1, (response) => { answer = response })
    return answer!
  }

  /** One request answered by several responses, the last one empty (STAT). */
  async stream (parts: RequestParts, onResponse: (response: Response) => void): Promise<void> {
    const seq = this.#reserve(1)
    await this.exchange(buildRequest(parts, seq), seq, 1, onResponse, { untilEmpty: true })
  }

  /**
   * Several quiet requests and a closing NOOP in one write; `onResponse` gets each answer with
   * the position of the request it belongs to (quiet requests answer only when they have news).
   */
  async batch (requests: readonly RequestParts[], noop: RequestParts, onResponse: (response: Response, position: number) => void): Promise<void> {
    const seq = this.#reserve(requests.length + 1)
    const buffers = requests.map((parts, i) => buildRequest(parts, seq + 1 + i))
    buffers.push(buildRequest(noop, seq))
    await this.exchange(Buffer.concat(buffers), seq, requests.length + 1, (response) => {
      const position = response.header.opaque - seq - 1
      if (position >= 0) onResponse(response, position)
    }, { untilEmpty: true })
  }

  /**
   * Writes `request` (carrying the opaques seq .. seq+opaques-1) and feeds its answers to
   * `onResponse`. Resolves on the answer to `seq`, or with `untilEmpty` on the first zero-length
   * answer (the NOOP closing a batch, or the last line of STAT). Rejects with NodeDownError when
   * the connection failed, TimeoutError past the deadline and ProtocolError on bytes that are not
   * the protocol, all saying whether the request was sent; in each case the connection is
   * replaced. An error thrown by `onResponse` (a status the command does not expect) rejects
   * this request alone.
   */
  exchange (request: Buffer, seq: number, opaques: number, onResponse: (response: Response) => void, { untilEmpty = false }: ExchangeOptions = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new ClientClosedError(this.label, false))
    const server = this.#server
    const last = seq + opaques - 1
    return new Promise((resolve, reject) => {
      let settled = false
      let sent = server.connected
      const settle = (error?: Error, { replace = true } = {}) => {
        if (settled) return
        settled = true
        deadline.cancel()
        for (let opaque = seq; opaque <= last; opaque++) delete server.responseCallbacks[opaque]
        delete server.errorCallbacks[seq]
        if (!error) return resolve()
        if (replace) this.#replace(server, error)
        reject(error)
      }
      const deadline = startDeadline(this.#timeoutMs, () => this.#bytesIn, () => settle(new TimeoutError(this.label, this.#timeoutMs, sent)))
      const handler: ResponseHandler = (response) => {
        if (settled) return
        // memcached closes a binary connection after the request it could not parse (status
        // INVALID_ARGUMENTS): the next request must not be written onto it.
        if (response.header.status === Status.INVALID_ARGUMENTS) this.#retire(server)
        try {
          onResponse(response)
        } catch (error) {
          settle(error as Error, { replace: false })
          return
        }
        if (!untilEmpty || response.header.totalBodyLength === 0) settle()
      }
      handler.quiet = untilEmpty
      for (let opaque = seq; opaque <= last; opaque++) server.onResponse(opaque, handler)
      server.onError(seq, (error) => {
        if (this.#closed) settle(new ClientClosedError(this.label, sent))
        else settle(error instanceof ProtocolError ? error : new NodeDownError(this.label, error, sent))
      })
      this.#cork(server)
      server.write(request)
      // Queued until the connection opens (memjs runs connect callbacks in order, ours after the write).
      if (!sent) server.onConnect(() => { sent = true })
      this.#watch(server)
    })
  }

  /** Fails the requests still waiting with ClientClosedError; later ones fail at once. */
  close (): void {
    this.#closed = true
    this.#server.error(new Error('closed by the client'))
  }

  /** Reserves `count` consecutive opaques, wrapping within 31 bits (memjs's own turn negative). */
  #reserve (count: number): number {
    if (this.#seq + count >= 0x7fffffff) this.#seq = 0
    const first = this.#seq + 1
    this.#seq += count
    return first
  }

  #newServer (): Server {
    // memjs's own timeouts would close the connection from a timer that a blocked event loop
    // fires late: ours decide, so memjs's are set beyond reach.
    const server = new memjs.Server(this.#host, this.#port, undefined, undefined, { timeout: 3600, conntimeout: 3600, keepAlive: true })
    // memjs falls back to MEMCACHIER_USERNAME / MEMCACHE_PASSWORD from the environment when no
    // credentials are given, and would then start SASL: this project configures nothing implicitly.
    server.username = undefined
    server.password = undefined
    return server
  }

  /** Sends later requests on a fresh connection; `old` keeps its pending requests until it closes. */
  #retire (old: Server): void {
    if (this.#server === old && !this.#closed) this.#server = this.#newServer()
  }

  /** Drops `failed` (and its half-read bytes) for a fresh connection; fails what was pending on it. */
  #replace (failed: Server, error: Error): void {
    if (this.#server !== failed || this.#closed) return
    this.#server = this.#newServer()
    failed.error(error)
  }

  #cork (server: Server): void {
    const socket = server._socket
    if (!socket || !server.connected || socket.writableCorked > 0) return
    socket.cork()
    setImmediate(() => socket.uncork())
  }

  /** Counts the bytes that arrive, and fails pending requests when the server closes the socket. */
  #watch (server: Server): void {
    const socket = server._socket
    if (!socket || socket === this.#watchedSocket) return
    this.#watchedSocket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.#bytesIn += chunk.length
      // memjs (whose listener runs after this one) leaves the bytes of an incomplete answer in its
      // buffer, which starts at an answer's first byte: anything there but the magic is not memcached.
      queueMicrotask(() => {
        const rest = server.responseBuffer
        if (server === this.#server && rest.length > 0 && rest[0] !== RESPONSE_MAGIC) {
          this.#replace(server, new ProtocolError(this.label, `first byte 0x${rest[0]!.toString(16).padStart(2, '0')} where an answer starts (0x81)`))
        }
      })
    })
    socket.once('close', () => {
      if (Object.keys(server.errorCallbacks).length > 0) server.error(new Error('connection closed by the server'))
    })
  }
}
