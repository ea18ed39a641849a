// The console that remembers: a visitor's last runs and the fields of each card, kept in the
// playground pool beside their keys (at the namespace's history key, with the playground's TTL),
// so that POST runs a command, saves it here and redirects, and GET shows the whole history.
// It also lists the keys the visitor's commands named (as typed, without the namespace), so that
// "Delete my keys" can remove them: memcached cannot list a prefix's keys.
// It is kept out of the session on purpose: the session page shows every session key, and a
// session view must stay one memcached command.
import { setTimeout } from 'node:timers/promises'
import type { MemcacheClient } from '@memcache-session/client'
import { knownCard, type CardId, type PlaygroundInput, type Transcript } from './commands.ts'
import { MAX_KEY_BYTES } from './namespace.ts'

/** Runs kept. */
export const HISTORY_LENGTH = 12
/** Largest stored history: the oldest runs go first. */
const MAX_HISTORY_BYTES = 96 * 1024
/** Longest field value kept to refill a card (longer ones are not kept). */
const MAX_KEPT_FIELD = 4096
const FIELDS = ['key', 'val', 'ttl', 'keys', 'pairs', 'delta', 'line'] as const
/**
 * Keys remembered for "Delete my keys", the newest kept: 200 of the longest (230 bytes) fit the
 * history's size with room for its runs. Older ones expire within the playground's TTL anyway.
 */
export const MAX_REMEMBERED_KEYS = 200

export interface HistoryEntry {
  /** ms since the epoch */
  at: number
  transcript?: Transcript
  /** A run refused before it reached memcached (bad input), shown next to its card. */
  error?: { card: CardId | null, message: string, field?: string }
}

export interface History {
  entries: HistoryEntry[]
  /** The fields last sent from each card. */
  forms: Partial<Record<CardId, PlaygroundInput>>
  /** The newest expiry demo, kept apart so that the runs after it cannot push it out. */
  demo?: { key: string, expiresAt: number }
  /** Every key the visitor's commands named, as typed, oldest first (at most MAX_REMEMBERED_KEYS). */
  keys: string[]
}

export function emptyHistory (): History {
  return { entries: [], forms: {}, keys: [] }
}

export async function loadHistory (mc: MemcacheClient, key: string): Promise<History> {
  let stored
  try {
    stored = await mc.get(key)
  } catch (error) {
    if ((error as Error).name === 'ValueFormatError') return emptyHistory()
    throw error
  }
  return typeof stored === 'string' ? parseHistory(stored) : emptyHistory()
}

/**
 * Adds a run (and the card's fields) to the history, with CAS so runs from several tabs are all
 * kept; on a conflict it reads again after a short jittered back-off. False when it gave up (the
 * run happened; only its console line is missing): the history is never overwritten blindly.
 */
export async function recordRun (mc: MemcacheClient, key: string, ttlSeconds: number, entry: HistoryEntry, form: PlaygroundInput): Promise<boolean> {
  return updateHistory(mc, key, ttlSeconds, (history) => withRun(history, entry, form))
}

/** Changes the stored history with `change`, by CAS as recordRun does; false when it gave up. */
export async function updateHistory (mc: MemcacheClient, key: string, ttlSeconds: number, change: (history: History) => History): Promise<boolean> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await mc.gets(key).catch((error: Error) => { if (error.name === 'ValueFormatError') return undefined; throw error })
    const history = typeof current?.value === 'string' ? parseHistory(current.value) : emptyHistory()
    const text = serialize(change(history))
    const stored = current ? await mc.cas(key, text, current.cas, ttlSeconds) : await mc.add(key, text, ttlSeconds)
    if (stored) return true
    await setTimeout(Math.random() * Math.min(50, 2 ** attempt))
  }
  return false
}

export function withRun (history: History, entry: HistoryEntry, form: PlaygroundInput): History {
  const card = entry.transcript?.card ?? entry.error?.card ?? null
  const forms = { ...history.forms }
  // Only a card's own form refills it: not the cas form under gets, nor "get it now" in the expiry card.
  if (card && form.card === undefined && form.op === card) forms[card] = keptFields(form)
  // The console's line comes back only when it was refused, to be fixed; after a run the prompt is empty.
  if (card === 'console') forms.console = entry.error ? { line: form.line } : {}
  const t = entry.transcript
  const demo = t?.op === 'ttl_demo' && t.key && t.expiresAt ? { key: t.key, expiresAt: t.expiresAt } : history.demo
  return { entries: [...history.entries, entry].slice(-HISTORY_LENGTH), forms, ...(demo ? { demo } : {}), keys: rememberKeys(history.keys, t?.nodes.map((n) => n.key) ?? []) }
}

/** The console emptied (runs, fields, the expiry demo); the keys stay remembered, for "Delete my keys". */
export function cleared (history: History): History {
  return { ...emptyHistory(), keys: history.keys }
}

/** `keys` added to the remembered ones, each once, newest last, at most MAX_REMEMBERED_KEYS. */
export function rememberKeys (remembered: readonly string[], keys: readonly string[]): string[] {
  if (keys.length === 0) return [...remembered]
  const added = new Set(keys)
  return [...remembered.filter((k) => !added.has(k)), ...added].slice(-MAX_REMEMBERED_KEYS)
}

function keptFields (form: PlaygroundInput): PlaygroundInput {
  const kept: PlaygroundInput = {}
  for (const name of FIELDS) {
    const value = form[name]
    if (typeof value === 'string' && value.length <= MAX_KEPT_FIELD) kept[name] = value
  }
  return kept
}

function serialize (history: History): string {
  let text = JSON.stringify(history)
  while (Buffer.byteLength(text) > MAX_HISTORY_BYTES && history.entries.length > 1) {
    history = { ...history, entries: history.entries.slice(1) }
    text = JSON.stringify(history)
  }
  return Buffer.byteLength(text) > MAX_HISTORY_BYTES ? JSON.stringify({ ...history, entries: [] }) : text
}

/** What we stored, read defensively: anything unexpected is dropped, never trusted. */
function parseHistory (text: string): History {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return emptyHistory()
  }
  if (typeof raw !== 'object' || raw === null) return emptyHistory()
  const { entries, forms, demo, keys } = raw as { entries?: unknown, forms?: unknown, demo?: { key?: unknown, expiresAt?: unknown }, keys?: unknown }
  const history = emptyHistory()
  if (Array.isArray(keys)) history.keys = keys.filter((k): k is string => typeof k === 'string' && Buffer.byteLength(k) <= MAX_KEY_BYTES).slice(-MAX_REMEMBERED_KEYS)
  if (typeof demo?.key === 'string' && typeof demo.expiresAt === 'number') history.demo = { key: demo.key, expiresAt: demo.expiresAt }
  if (Array.isArray(entries)) {
    history.entries = entries.filter((e): e is HistoryEntry => typeof e === 'object' && e !== null && typeof (e as HistoryEntry).at === 'number').slice(-HISTORY_LENGTH)
  }
  if (typeof forms === 'object' && forms !== null) {
    for (const [card, fields] of Object.entries(forms)) {
      const op = knownCard(card)
      if (op && typeof fields === 'object' && fields !== null) history.forms[op] = keptFields(fields as PlaygroundInput)
    }
  }
  return history
}
