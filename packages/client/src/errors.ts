// Typed errors, so callers can tell a bad request from a cluster problem.

export class MemcacheError extends Error {
  override name = 'MemcacheError'
}

/** The key breaks memcached's rules; nothing was sent. */
export class InvalidKeyError extends MemcacheError {
  override name = 'InvalidKeyError'
}

/** The value is larger than the server's item limit; nothing was sent. */
export class ValueTooLargeError extends MemcacheError {
  override name = 'ValueTooLargeError'
}

/** The value cannot be stored or read in a format python-memcached shares (e.g. a pickle). */
export class ValueFormatError extends MemcacheError {
  override name = 'ValueFormatError'
}

/**
 * Whether a failed request may have reached the node. `false`: it was never written (the
 * connection was refused or not yet open), so it certainly was not applied and may be sent
 * elsewhere. `true`: it was written and its outcome is unknown.
 */
export type Sent = boolean

/** The node did not answer within the deadline. */
export class TimeoutError extends MemcacheError {
  override name = 'TimeoutError'
  readonly node: string
  readonly sent: Sent
  constructor (node: string, ms: number, sent: Sent = true) {
    super(`memcached ${node} did not answer within ${ms} ms`)
    this.node = node
    this.sent = sent
  }
}

/** The node could not be reached (refused, reset, closed), or no live node is left for the key. */
export class NodeDownError extends MemcacheError {
  override name = 'NodeDownError'
  readonly node: string | null
  readonly sent: Sent
  constructor (node: string | null, cause?: unknown, sent: Sent = false) {
    super(node === null ? 'no memcached node is available for this key' : `memcached ${node} is down${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause })
    this.node = node
    this.sent = sent
  }
}

/** The server answered with an error the command does not expect: a binary status, or a meta/text error line. */
export class ServerError extends MemcacheError {
  override name = 'ServerError'
  /** The binary status (a number), or the text protocol's word (CLIENT_ERROR, SERVER_ERROR, ERROR). */
  readonly status: number | string
  constructor (status: number | string, message: string) {
    super(`memcached answered ${typeof status === 'number' ? `status 0x${status.toString(16).padStart(4, '0')}` : status}: ${message}`)
    this.status = status
  }
}

/**
 * Whether a request failed because its node did (refused, reset, closed, or silent past the
 * deadline) rather than because of what was asked: the one test for "fail over or give up".
 */
export function isNodeFailure (error: unknown): error is NodeDownError | TimeoutError {
  return error instanceof NodeDownError || error instanceof TimeoutError
}
