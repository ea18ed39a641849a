// Instrumentation through node:diagnostics_channel (undici's way), never counters on the client:
// whoever wants figures subscribes; with no subscriber a publish costs a property read. Messages
// carry the command's name, the node's address and sizes, never a key or a value.
//
//   memcache-session:command:start  { client, command, node }                     a request leaves for a node
//   memcache-session:command:end    { client, command, node, outcome, durationMs, valueBytes }
//                                   outcome: 'ok', or the error's code (MC_ERR_TIMEOUT...)
//   memcache-session:retry          { client, command, node, attempt, reason }    a command sent again elsewhere
//   memcache-session:node:down      { client, node, reason, timedOut }   the client takes the node out of routing
//   memcache-session:node:up        { client, node, downForMs }          it answered again (a probe or a request)
//
// One start and one end per round trip: a pipelined batch to one node counts once. A node's down
// and up are this client's view of it: several clients on one node each publish their own.
import { channel } from 'node:diagnostics_channel'
import { performance } from 'node:perf_hooks'

export const commandStartChannel = channel('memcache-session:command:start')
export const commandEndChannel = channel('memcache-session:command:end')
export const retryChannel = channel('memcache-session:retry')
export const nodeDownChannel = channel('memcache-session:node:down')
export const nodeUpChannel = channel('memcache-session:node:up')

export interface CommandStartMessage {
  /** The client that sent it (to tell several apart). */
  client: object
  command: string
  /** host:port */
  node: string
}

export interface CommandEndMessage extends CommandStartMessage {
  outcome: 'ok' | string
  durationMs: number
  /** Bytes of the values sent or received (keys and protocol framing excluded). */
  valueBytes: number
}

export interface RetryMessage extends CommandStartMessage {
  /** 1 for the first repetition. */
  attempt: number
  /** The failure's code. */
  reason: string
}

export interface NodeDownMessage {
  /** The client whose node it is. */
  client: object
  /** host:port */
  node: string
  /** The failure's message. */
  reason: string
  /** It stopped answering (a deadline passed) rather than refused or closed. */
  timedOut: boolean
}

export interface NodeUpMessage {
  client: object
  node: string
  downForMs: number
}

/**
 * Runs one round trip to `node`, publishing its start and end when anyone listens. `size` reads
 * the value bytes from the result (those sent are given up front).
 */
export async function traced<T> (
  client: object,
  command: string,
  node: string,
  sentBytes: number,
  run: () => Promise<T>,
  size?: (result: T) => number
): Promise<T> {
  if (!commandStartChannel.hasSubscribers && !commandEndChannel.hasSubscribers) return run()
  const started = performance.now()
  if (commandStartChannel.hasSubscribers) commandStartChannel.publish({ client, command, node } satisfies CommandStartMessage)
  try {
    const result = await run()
    publishEnd(client, command, node, 'ok', started, sentBytes + (size ? size(result) : 0))
    return result
  } catch (error) {
    publishEnd(client, command, node, (error as { code?: string }).code ?? 'error', started, sentBytes)
    throw error
  }
}

function publishEnd (client: object, command: string, node: string, outcome: string, started: number, valueBytes: number): void {
  if (!commandEndChannel.hasSubscribers) return
  commandEndChannel.publish({ client, command, node, outcome, durationMs: performance.now() - started, valueBytes } satisfies CommandEndMessage)
}
