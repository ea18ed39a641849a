// What a session change can run into, with the HTTP status each one deserves and a stable `code`
// (the client's MC_ERR_* style) to branch on instead of the message.

export class SessionError extends Error {
  readonly code: string = 'MC_SESSION_ERR'
  readonly statusCode: number
  constructor (message: string, statusCode: number) {
    super(message)
    this.statusCode = statusCode
  }
}

/** A key, value or the whole session is over a limit; nothing was written. */
export class SessionLimitError extends SessionError {
  override name = 'SessionLimitError'
  override readonly code = 'MC_SESSION_ERR_LIMIT'
  constructor (message: string) { super(message, 413) }
}

/** The request itself is wrong (empty key, unknown action); nothing was written. */
export class SessionInputError extends SessionError {
  override name = 'SessionInputError'
  override readonly code = 'MC_SESSION_ERR_INPUT'
  constructor (message: string) { super(message, 400) }
}

/** Other writes to the same session kept winning the compare-and-swap; nothing was written. */
export class SessionConflictError extends SessionError {
  override name = 'SessionConflictError'
  override readonly code = 'MC_SESSION_ERR_CONFLICT'
  constructor () { super('This session is being changed by many requests at once; your change was not saved. Please try again.', 409) }
}

/** The session ended (or expired) while the change was on its way; it is never written back under that id. */
export class SessionGoneError extends SessionError {
  override name = 'SessionGoneError'
  override readonly code = 'MC_SESSION_ERR_GONE'
  constructor () { super('This session ended or expired while your change was on its way; nothing was saved.', 409) }
}

/** A plugin option is wrong (plugin-options.ts); thrown when the plugin is registered, before any request. */
export class SessionOptionError extends SessionError {
  override name = 'SessionOptionError'
  override readonly code = 'MC_SESSION_ERR_INVALID_OPTION'
  constructor (message: string) { super(`@memcache-session/fastify: ${message}`, 500) }
}
