// How long a client may take: Node's HTTP server options derived from one request deadline.
// Node checks request and header deadlines only every `connectionsCheckingInterval` (30 s by
// default), so a slow client would be cut 10 to 40 s after it started; the interval here is a tenth
// of the deadline (at most 1 s), so a request is cut within its deadline plus that interval.
// https://nodejs.org/api/http.html#httpcreateserveroptions-requestlistener
import type { ServerOptions } from 'node:http'

export interface ServerTimeouts {
  /** Whole request (headers and body) must arrive within this; then 408 and the socket is closed. */
  requestTimeout: number
  /** A socket with no traffic at all for this long is closed. */
  connectionTimeout: number
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeout: number
  http: ServerOptions
}

/** The keep-alive idle time: Node's own default, well below a proxy's usual 60 s. */
export const KEEP_ALIVE_MS = 5_000

export function serverTimeouts (requestTimeoutMs: number): ServerTimeouts {
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: requestTimeoutMs,
    keepAliveTimeout: Math.min(KEEP_ALIVE_MS, requestTimeoutMs),
    http: {
      // The headers get half the deadline: a client still sending them by then is not a browser.
      headersTimeout: Math.max(Math.floor(requestTimeoutMs / 2), 50),
      connectionsCheckingInterval: Math.min(1_000, Math.max(Math.floor(requestTimeoutMs / 10), 25))
    }
  }
}
