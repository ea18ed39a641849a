// What the session page tells of this view, from its trace (session-trace.ts): the commands it
// sent, each on its numbered node, beside the four the Python original sends for every view; when
// the idle deadline and the absolute end fall, as times; and, when the cookie's session was gone,
// what happened to it: its node did not answer, it ran out (idle, or evicted), it was ended, or it
// reached its maximum age. Pure: the page's template only prints what this returns.
import type { SessionTrace } from './session-trace.ts'
import { MESSAGES, type Messages } from './i18n/messages.ts'

export interface StoryCommand {
  command: string
  /** What the command does, in words. */
  meaning: string
  /** "node 0 (127.0.0.1:11211)", or the address of a node outside the cluster. */
  node: string
  answer: string
  bytes: number
  /** What came back, whatever the language: the story's own reasoning reads this, never the words. */
  outcome: 'found' | 'nothing' | 'done' | 'failed'
  /** The failure's code, when it failed. */
  code?: string
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
  /** The page's language's words (English by default). */
  words?: Messages['story']
}

/** The Python original (test/fixtures/tornado_app.py) on every view: Session.__init__, then the page (why each: the story's words). */
const ORIGINAL = ['get <id>', 'get <id>', 'set <id> <json> 1200', 'get <id>'] as const
export const ORIGINAL_COMMANDS = originalCommands(MESSAGES.en.story)

const READS = new Set(['get', 'gets', 'gat', 'getMulti'])

function originalCommands (words: Messages['story']) {
  return ORIGINAL.map((command, i) => ({ command, why: words.why[i]! }))
}
// Built once per language, not per view.
const ORIGINALS = new Map<Messages['story'], ReturnType<typeof originalCommands>>()

export function sessionStory (trace: SessionTrace, context: StoryContext): SessionStory {
  const words = context.words ?? MESSAGES.en.story
  const nodeName = (address: string) => {
    const index = context.nodes.indexOf(address)
    return index < 0 ? address : words.node(index, address)
  }
  const commands = trace.commands.map(({ command, node, outcome, valueBytes }): StoryCommand => {
    const status = outcome !== 'ok' ? 'failed' : READS.has(command) ? (valueBytes > 0 ? 'found' : 'nothing') : 'done'
    return {
      command,
      meaning: words.meanings[command] ?? command,
      node: nodeName(node),
      answer: status === 'failed' ? words.answers.noAnswer(outcome) : words.answers[status],
      bytes: valueBytes,
      outcome: status,
      ...(status === 'failed' ? { code: outcome } : {})
    }
  })
  let original = ORIGINALS.get(words)
  if (!original) ORIGINALS.set(words, original = originalCommands(words))
  const at = Math.floor(trace.at / 1000)
  return {
    commands,
    idleUntil: context.stored ? isoSeconds(at + context.ttlSeconds) : null,
    endsBy: context.stored && trace.createdAt !== null ? isoSeconds(Math.min(trace.createdAt + context.maxAgeSeconds, Number.MAX_SAFE_INTEGER / 1000)) : null,
    loss: lossOf(trace, context, commands, words),
    size: sizeOf(commands, context),
    original
  }
}

function lossOf (trace: SessionTrace, context: StoryContext, commands: StoryCommand[], words: Messages['story']): string | null {
  if (trace.open?.outcome !== 'lost') return null
  const fresh = words.fresh
  if (trace.open.reason === 'max-age') return words.maxAge(hours(context.maxAgeSeconds, words), fresh)
  if (trace.open.reason === 'ended') return words.ended(fresh)
  const silent = [...new Set(commands.filter((c) => c.outcome === 'failed').map((c) => `${c.node}: ${c.code}`))]
  if ((trace.read?.unreachable ?? 0) > 0 || silent.length > 0) return words.unreachable(silent.join(words.listSeparator), fresh)
  return words.gone(minutes(context.ttlSeconds, words), fresh)
}

/** Each copy holds the whole record: the largest value a read found is its size. */
function sizeOf (commands: StoryCommand[], context: StoryContext): SessionStory['size'] {
  const found = commands.filter((c) => c.outcome === 'found').map((c) => c.bytes)
  return found.length === 0 ? null : { bytes: Math.max(...found), limit: context.maxSessionBytes }
}

function isoSeconds (seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function minutes (seconds: number, words: Messages['story']): string {
  return seconds % 60 === 0 ? words.minutes(seconds / 60) : words.seconds(seconds)
}

function hours (seconds: number, words: Messages['story']): string {
  return seconds % 3600 === 0 ? words.hours(seconds / 3600) : minutes(seconds, words)
}
