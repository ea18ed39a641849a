// The session layer's instrumentation on node:diagnostics_channel, beside the client's
// (@memcache-session/client: command start/end, retries, node down/up). Whoever wants figures
// subscribes (the app's /metrics does); with no subscriber a publish costs a property read, and
// nothing is computed for it. A message says what happened and how many copies took part, never
// the session's id, its key in memcached or its data: `store` (the SessionStore that published)
// tells several apart in one process.
//
//   memcache-session:session:open      { store, outcome, reason }        a request's session opened
//       outcome 'loaded': a stored session; 'issued': a lazy id taken up, nothing stored yet;
//       'new': a fresh session (reason 'no-cookie', 'future' (created in the future), 'issued-expired');
//       'lost': the cookie named a session that is no more (reason 'missing': not in memcached,
//       expired, evicted or ended; 'ended': an end mark under a lazy id; 'max-age': too old)
//   memcache-session:session:read      { store, result, copies, wanted, unreachable }   a page view's read
//       of a session its cookie says is stored (a lazy id's read, a miss as a rule, is not one)
//       result 'found' | 'missing' | 'ended'; copies: nodes holding the current record as read;
//       wanted: copies kept (1 or 2). found with copies < wanted: the session was on one copy only
//   memcache-session:session:write     { store, created, attempts, copies, bytes }     a change stored
//       created: the record's first store (a new session); attempts: compare-and-swap rounds
//   memcache-session:session:write-failed { store, reason }   'conflict' (gave up), 'gone', or the error's code
//   memcache-session:session:conflict  { store, attempt }                   a CAS write lost on some copy
//   memcache-session:session:repair    { store, kind, outcome }             a copy rewritten
//       kind 'lagging': a copy behind the other, rewritten after a read; 'moved': a record found
//       further along the route chain, brought home; outcome 'stored' | 'conflict' | 'failed'
//   memcache-session:session:end       { store, reason }                    'end' (logout, regenerate) | 'max-age'
import { channel } from 'node:diagnostics_channel'
import type { CopyRead, CurrentRecord } from './copies.ts'

export const openChannel = channel('memcache-session:session:open')
export const readChannel = channel('memcache-session:session:read')
export const writeChannel = channel('memcache-session:session:write')
export const writeFailedChannel = channel('memcache-session:session:write-failed')
export const conflictChannel = channel('memcache-session:session:conflict')
export const repairChannel = channel('memcache-session:session:repair')
export const endChannel = channel('memcache-session:session:end')

export type OpenOutcome = 'loaded' | 'issued' | 'new' | 'lost'

export interface OpenMessage { store: object, outcome: OpenOutcome, reason: string | null }
export interface ReadMessage { store: object, result: 'found' | 'missing' | 'ended', copies: number, wanted: number, unreachable: number }
export interface WriteMessage { store: object, created: boolean, attempts: number, copies: number, bytes: number }
export interface WriteFailedMessage { store: object, reason: string }
export interface ConflictMessage { store: object, attempt: number }
export interface RepairMessage { store: object, kind: 'lagging' | 'moved', outcome: 'stored' | 'conflict' | 'failed' }
export interface EndMessage { store: object, reason: 'end' | 'max-age' }

/** Publishes how a session opened and returns `result` (so that a return statement can say it). */
export function publishOpen<T> (store: object, outcome: OpenOutcome, reason: string | null, result: T): T {
  if (openChannel.hasSubscribers) openChannel.publish({ store, outcome, reason } satisfies OpenMessage)
  return result
}

export function publishRead (store: object, current: CurrentRecord | 'ended' | undefined, reads: readonly CopyRead[], wanted: number): void {
  if (!readChannel.hasSubscribers) return
  const result = current === 'ended' ? 'ended' : current ? 'found' : 'missing'
  const copies = typeof current === 'object' ? reads.filter((read) => read.state === 'found' && read.bytes.equals(current.bytes)).length : 0
  const unreachable = reads.filter((read) => read.state === 'unreachable').length
  readChannel.publish({ store, result, copies, wanted, unreachable } satisfies ReadMessage)
}

export function publishWrite (store: object, created: boolean, attempts: number, writes: ReadonlyArray<{ outcome: string }>, bytes: number): void {
  if (!writeChannel.hasSubscribers) return
  writeChannel.publish({ store, created, attempts, copies: writes.filter((write) => write.outcome === 'stored').length, bytes } satisfies WriteMessage)
}

export function publishWriteFailed (store: object, error: unknown): void {
  if (!writeFailedChannel.hasSubscribers) return
  const code = (error as { code?: unknown }).code
  const reason = code === 'MC_SESSION_ERR_CONFLICT' ? 'conflict' : code === 'MC_SESSION_ERR_GONE' ? 'gone' : typeof code === 'string' ? code : 'error'
  writeFailedChannel.publish({ store, reason } satisfies WriteFailedMessage)
}

export function publishConflict (store: object, attempt: number): void {
  if (conflictChannel.hasSubscribers) conflictChannel.publish({ store, attempt } satisfies ConflictMessage)
}

export function publishRepair (store: object, kind: RepairMessage['kind'], outcome: RepairMessage['outcome']): void {
  if (repairChannel.hasSubscribers) repairChannel.publish({ store, kind, outcome } satisfies RepairMessage)
}

export function publishEnd (store: object, reason: EndMessage['reason']): void {
  if (endChannel.hasSubscribers) endChannel.publish({ store, reason } satisfies EndMessage)
}
