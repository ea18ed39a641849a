// What a session change can run into, with the HTTP status each one deserves.

export class SessionError extends Error {
  readonly statusCode: number
  constructor (message: string, statusCode: number) {
    super(message)
    this.statusCode = statusCode
  }
}

/** A key, value or the whole session is over a limit; nothing was written. */
export class SessionLimitError extends SessionError {
  override name = 'SessionLimitError'
  constructor (message: string) { super(message, 413) }
}

/** The request itself is wrong (empty key, unknown action); nothing was written. */
export class SessionInputError extends SessionError {
  override name = 'SessionInputError'
  constructor (message: string) { super(message, 400) }
}

/** Other writes to the same session kept winning the compare-and-swap; nothing was written. */
export class SessionConflictError extends SessionError {
  override name = 'SessionConflictError'
  constructor () { super('This session is being changed by many requests at once; your change was not saved. Please try again.', 409) }
}

/** The session ended (or expired) while the change was on its way; it is never written back under that id. */
export class SessionGoneError extends SessionError {
  override name = 'SessionGoneError'
  constructor () { super('This session ended or expired while your change was on its way; nothing was saved.', 409) }
}
