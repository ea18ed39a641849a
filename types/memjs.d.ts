// The part of memjs 1.3.2 this project uses, including the exported-but-undocumented internals
// (Server callbacks, Utils, Header) that reach opcodes memjs has no method for.
// Internals can change in any release: memjs is pinned to 1.3.2 in package.json for this reason.
declare module 'memjs' {
  import type { Socket } from 'node:net'

  interface ResponseHeader {
    magic: number
    opcode: number
    keyLength: number
    extrasLength: number
    dataType: number
    status: number
    totalBodyLength: number
    opaque: number
    cas: Buffer
  }

  interface Response {
    header: ResponseHeader
    key: Buffer
    extras: Buffer
    val: Buffer
  }

  type ResponseHandler = ((response: Response) => void) & { quiet?: boolean }

  interface ServerOptions {
    timeout?: number
    conntimeout?: number
    keepAlive?: boolean
    keepAliveDelay?: number
  }

  class Server {
    constructor (host: string, port: number, username?: string, password?: string, options?: ServerOptions)
    host: string
    port: number
    connected: boolean
    username?: string
    password?: string
    _socket?: Socket
    /** Bytes received and not yet parsed into a whole response. */
    responseBuffer: Buffer
    responseCallbacks: Record<number, ResponseHandler>
    errorCallbacks: Record<number, (error: Error) => void>
    onResponse (seq: number, handler: ResponseHandler): void
    onError (seq: number, handler: (error: Error) => void): void
    /** Runs once the connection is open (immediately queued writes run first). */
    onConnect (callback: (socket: Socket) => void): void
    error (error: Error): void
    write (request: Buffer): void
    close (): void
  }

  interface ClientOptions {
    retries?: number
    retry_delay?: number
    failover?: boolean
    expires?: number
    logger?: { log: (...args: unknown[]) => void }
  }

  class Client {
    constructor (servers: Server[], options?: ClientOptions)
    servers: Server[]
    seq: number
    incrSeq (): void
    server (key: string | Buffer): Server | null
    close (): void
  }

  interface Utils {
    makeRequestBuffer (opcode: number, key: string | Buffer, extras: string | Buffer, value: string | Buffer, opaque?: number): Buffer
  }

  const memjs: { Client: typeof Client, Server: typeof Server, Utils: Utils }
  export default memjs
  export type { Response, ResponseHandler, Client, Server }
}
