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

/** The node did not answer within the deadline. */
export class TimeoutError extends MemcacheError {
  override name = 'TimeoutError'
  readonly node: string
  constructor (node: string, ms: number) {
    super(`memcached ${node} did not answer within ${ms} ms`)
    this.node = node
  }
}

/** The node could not be reached (refused, reset, closed), or no live node is left for the key. */
export class NodeDownError extends MemcacheError {
  override name = 'NodeDownError'
  readonly node: string | null
  constructor (node: string | null, cause?: unknown) {
    super(node === null ? 'no memcached node is available for this key' : `memcached ${node} is down${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause })
    this.node = node
  }
}

/** The server answered with an error status the command does not expect. */
export class ServerError extends MemcacheError {
  override name = 'ServerError'
  readonly status: number
  constructor (status: number, message: string) {
    super(`memcached answered status 0x${status.toString(16).padStart(4, '0')}: ${message}`)
    this.status = status
  }
}
