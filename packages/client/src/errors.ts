// Every error this package throws, in one tree under MemcacheError, each with a stable `code`
// (undici's UND_ERR_* and Fastify's FST_ERR_* are the model): callers branch on `code` or on the
// class, never on message text, which may change.
//
//   MemcacheError                      MC_ERR_MEMCACHE (base; never thrown itself)
//     InvalidArgumentError             MC_ERR_INVALID_ARG        a bad option or argument; nothing was sent
//       InvalidKeyError                MC_ERR_INVALID_KEY        the key breaks memcached's rules
//       ValueTooLargeError             MC_ERR_VALUE_TOO_LARGE    over the item limit
//     ValueFormatError                 MC_ERR_VALUE_FORMAT       a value that cannot be stored or read (a pickle)
//     NotStoredError                   MC_ERR_NOT_STORED         memcached declined an unconditional set
//     ServerError                      MC_ERR_SERVER             the node refused the request (`status` says why)
//     ClientClosedError                MC_ERR_CLOSED             the client was closed before the answer came
//     NodeFailureError                 (base of the node's failures: `node`, `sent`; see isNodeFailure)
//       NodeDownError                  MC_ERR_NODE_DOWN          refused, reset, closed; or no live node left
//       TimeoutError                   MC_ERR_TIMEOUT            no answer within the deadline
//       ProtocolError                  MC_ERR_PROTOCOL           an answer that is not memcached's protocol

export class MemcacheError extends Error {
  override name = 'MemcacheError'
  readonly code: string = 'MC_ERR_MEMCACHE'
}

/** A bad option or argument, found before anything was sent. */
export class InvalidArgumentError extends MemcacheError {
  override name = 'InvalidArgumentError'
  override readonly code: string = 'MC_ERR_INVALID_ARG'
}

/** The key breaks memcached's rules; nothing was sent. */
export class InvalidKeyError extends InvalidArgumentError {
  override name = 'InvalidKeyError'
  override readonly code = 'MC_ERR_INVALID_KEY'
}

/** The value is larger than the server's item limit; nothing was sent. */
export class ValueTooLargeError extends InvalidArgumentError {
  override name = 'ValueTooLargeError'
  override readonly code = 'MC_ERR_VALUE_TOO_LARGE'
}

/** The value cannot be stored or read in a format python-memcached shares (e.g. a pickle). */
export class ValueFormatError extends MemcacheError {
  override name = 'ValueFormatError'
  override readonly code = 'MC_ERR_VALUE_FORMAT'
}

/** memcached answered "not stored" to an unconditional set. */
export class NotStoredError extends MemcacheError {
  override name = 'NotStoredError'
  override readonly code = 'MC_ERR_NOT_STORED'
}

/**
 * Why a node refused a request, the same word whichever protocol carried it (the binary status
 * or the text protocol's error line is kept in `reply`):
 * non-numeric: incr/decr on a value that is not a number; too-large: over the node's item size;
 * out-of-memory: the node could not make room; invalid-request: the node could not parse it;
 * unknown-command: the node does not know the command; other: anything else.
 */
export type ServerErrorStatus = 'non-numeric' | 'too-large' | 'out-of-memory' | 'invalid-request' | 'unknown-command' | 'other'

/** The node answered with an error the command does not expect. */
export class ServerError extends MemcacheError {
  override name = 'ServerError'
  override readonly code = 'MC_ERR_SERVER'
  readonly status: ServerErrorStatus
  /** The node's own words: `status 0x0006: Non-numeric ...` (binary) or `CLIENT_ERROR cannot ...` (meta). */
  readonly reply: string
  constructor (status: ServerErrorStatus, reply: string) {
    super(`memcached refused the request (${status}): ${reply}`)
    this.status = status
    this.reply = reply
  }
}

/**
 * Whether a failed request may have reached the node. `false`: it was never written (the
 * connection was refused or not yet open), so it certainly was not applied and may be sent
 * elsewhere. `true`: it was written and its outcome is unknown.
 */
export type Sent = boolean

/** The client was closed while the request waited for its answer, or before it was made. */
export class ClientClosedError extends MemcacheError {
  override name = 'ClientClosedError'
  override readonly code = 'MC_ERR_CLOSED'
  readonly node: string
  readonly sent: Sent
  constructor (node: string, sent: Sent) {
    super(`the connection to memcached ${node} was closed by this client`)
    this.node = node
    this.sent = sent
  }
}

/** A request failed because its node did: the failures a client fails over from. */
export class NodeFailureError extends MemcacheError {
  override name = 'NodeFailureError'
  /** host:port, or null when no live node was left to ask. */
  readonly node: string | null
  readonly sent: Sent
  constructor (message: string, node: string | null, sent: Sent, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.node = node
    this.sent = sent
  }
}

/** The node could not be reached (refused, reset, closed), or no live node is left for the key. */
export class NodeDownError extends NodeFailureError {
  override name = 'NodeDownError'
  override readonly code = 'MC_ERR_NODE_DOWN'
  constructor (node: string | null, cause?: unknown, sent: Sent = false) {
    super(node === null ? 'no memcached node is available for this key' : `memcached ${node} is down${cause instanceof Error ? `: ${cause.message}` : ''}`, node, sent, cause)
  }
}

/** The node did not answer within the deadline. */
export class TimeoutError extends NodeFailureError {
  override name = 'TimeoutError'
  override readonly code = 'MC_ERR_TIMEOUT'
  declare readonly node: string
  constructor (node: string, ms: number, sent: Sent = true) {
    super(`memcached ${node} did not answer within ${ms} ms`, node, sent)
  }
}

/** The node's answer is not memcached's protocol (not memcached on that port, or bytes corrupted): the connection is dropped. */
export class ProtocolError extends NodeFailureError {
  override name = 'ProtocolError'
  override readonly code = 'MC_ERR_PROTOCOL'
  declare readonly node: string
  constructor (node: string, detail: string) {
    super(`memcached ${node} sent an answer outside the protocol: ${detail}`, node, true)
  }
}

/**
 * Whether a request failed because its node did (refused, reset, closed, silent past the deadline,
 * or talking nonsense) rather than because of what was asked: the one test for "fail over or give up".
 */
export function isNodeFailure (error: unknown): error is NodeFailureError {
  return error instanceof NodeFailureError
}
