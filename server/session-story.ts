// What the session page tells of this view, from its trace (session-trace.ts): the commands it
// sent, each on its numbered node, beside the four the Python original sends for every view; when
// the idle deadline and the absolute end fall, as times; and, when the cookie's session was gone,
// what happened to it: its node did not answer, it ran out (idle, or evicted), it was ended, or it
// reached its maximum age. Pure: the page's template only prints what this returns.
import type { SessionTrace } from './session-trace.ts'

export interface StoryCommand {
  command: string
  /** What the command does, in words. */
  meaning: string
  /** "node 0 (127.0.0.1:11211)", or the address of a node outside the cluster. */
  node: string
  answer: string
  bytes: number
}

export interface SessionStory {
  commands: StoryCommand[]
  /** The idle deadline and the absolute end, ISO 8601 UTC; null while nothing is stored. */
  idleUntil: string | null
  endsBy: string | null
  /** Why the cookie's session was replaced, in words; null when it was not. */
  loss: string | null
  /** The record's size as this view read it (bytes), and the session's limit; null when nothing was read. */
  size: { bytes: number, limit: number } | null
  /** What the Python original sends instead, every view. */
  original: typeof ORIGINAL_COMMANDS
}

export interface StoryContext {
  /** The cluster's nodes, in order: host:port of each. */
  nodes: readonly string[]
  ttlSeconds: number
  maxAgeSeconds: number
  stored: boolean
  /** The most a session may hold as stored (its JSON's UTF-8 bytes). */
  maxSessionBytes: number
}

/** The Python original (test/fixtures/tornado_app.py) on every view: Session.__init__, then the page. */
export const ORIGINAL_COMMANDS = [
  { command: 'get <id>', why: 'is the cookie\'s session there? (Session.__init__)' },
  { command: 'get <id>', why: 'read it again, to write it back' },
  { command: 'set <id> <json> 1200', why: 'the same record, to slide its expiry 20 minutes on' },
  { command: 'get <id>', why: 'the JSON the page shows (stored_text)' }
] as const

const READS = new Set(['get', 'gets', 'gat', 'getMulti'])
/** What each of the client's command names does, for a reader who knows python-memcached's. */
const MEANING: Record<string, string> = {
  gat: 'get and touch: reads it and slides its expiry, one round trip',
  gets: 'gets: reads it with its CAS token',
  get: 'get',
  getMulti: 'get_multi',
  cas: 'cas: writes it if unchanged',
  add: 'add',
  set: 'set',
  touch: 'touch: slides its expiry',
  delete: 'delete'
}

export function sessionStory (trace: SessionTrace, context: StoryContext): SessionStory {
  const nodeName = (address: string) => {
    const index = context.nodes.indexOf(address)
    return index < 0 ? address : `node ${index} (${address})`
  }
  const commands = trace.commands.map(({ command, node, outcome, valueBytes }) => ({
    command,
    meaning: MEANING[command] ?? command,
    node: nodeName(node),
    answer: outcome !== 'ok' ? `no answer (${outcome})` : READS.has(command) ? (valueBytes > 0 ? 'found' : 'nothing there') : 'done',
    bytes: valueBytes
  }))
  const at = Math.floor(trace.at / 1000)
  return {
    commands,
    idleUntil: context.stored ? isoSeconds(at + context.ttlSeconds) : null,
    endsBy: context.stored && trace.createdAt !== null ? isoSeconds(Math.min(trace.createdAt + context.maxAgeSeconds, Number.MAX_SAFE_INTEGER / 1000)) : null,
    loss: lossOf(trace, context, commands),
    size: sizeOf(commands, context),
    original: ORIGINAL_COMMANDS
  }
}

function lossOf (trace: SessionTrace, context: StoryContext, commands: StoryCommand[]): string | null {
  if (trace.open?.outcome !== 'lost') return null
  const fresh = 'so a new session was started, with nothing in it.'
  if (trace.open.reason === 'max-age') return `Your previous session reached its maximum lifetime (${hours(context.maxAgeSeconds)} after it began, however often you came back), ${fresh}`
  if (trace.open.reason === 'ended') return `Your previous session was ended (End session, in another tab), ${fresh}`
  const silent = [...new Set(commands.filter((c) => c.answer.startsWith('no answer')).map((c) => `${c.node}: ${c.answer.slice('no answer ('.length, -1)}`))]
  if ((trace.read?.unreachable ?? 0) > 0 || silent.length > 0) {
    return `Your previous session is out of reach: the memcached node holding it is unavailable${silent.length ? ` (${silent.join('; ')})` : ''}, ${fresh} The old one may come back with its node, unless it expires first.`
  }
  return `Your previous session is gone: memcached no longer had it (idle for more than ${minutes(context.ttlSeconds)}, or evicted to make room), ${fresh}`
}

/** Each copy holds the whole record: the largest value a read found is its size. */
function sizeOf (commands: StoryCommand[], context: StoryContext): SessionStory['size'] {
  const found = commands.filter((c) => c.answer === 'found').map((c) => c.bytes)
  return found.length === 0 ? null : { bytes: Math.max(...found), limit: context.maxSessionBytes }
}

function isoSeconds (seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function minutes (seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} minutes` : `${seconds} seconds`
}

function hours (seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : minutes(seconds)
}
