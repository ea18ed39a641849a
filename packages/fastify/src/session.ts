// The original's `MemcacheToSession.Session`, dict-style: get / set / delete one key, and all of
// them. Reads come from the record loaded with the request; writes go to memcached at once.
//
//   Python (original)          TypeScript (here)
//   session[key]               session.get(key)
//   session[key] = value       await session.set(key, value)
//   del session[key]           await session.delete(key)   (false, not KeyError, when absent)
//   session.GetAll()           session.entries() / session.toJSON()
//
// Beyond the original: `end()` (logout: the record is deleted, the cookie cleared) and
// `regenerate()` (a new id for the same data, for apps that add a login). Values are any JSON,
// typed by `T` (asked in fastify/session #181, #194): `Session<{ cart: string[], visits: number }>`.
// The type is the app's promise, not a check: a record another app wrote (the Python original's
// dict) is read as it is.
import { checkKey, checkValue, type SessionLimits } from './limits.ts'
import { encodeRecord, type JsonShape, type SessionData, type SessionValues } from './record.ts'
import type { SessionStore, StoredSession } from './store.ts'
import { publishWriteFailed } from './diagnostics.ts'

/** What a session needs from the one who opened it (packages/fastify/src/open.ts). */
export interface SessionHooks {
  /** The cookie must be (re)issued for this session, or cleared (null). */
  cookie (session: AnySession | null): void
  /** Deletes the record of an ended or replaced id so that nothing loads it again. */
  end (id: string, createdAt: number): Promise<void>
  newId (): string
}

export interface SessionInit {
  id: string
  createdAt: number
  /** Whether memcached holds (or held) a record under this id; false for a lazy, unsaved session. */
  stored: boolean
  state: StoredSession
}

/** T's string keys. */
type Key<T> = keyof T & string

/** A session whatever its values' type (for code that only needs its id, cookie or lifetime). */
export type AnySession = Session<any>

export class Session<T extends JsonShape<T> = SessionValues> {
  readonly createdAt: number
  readonly #store: SessionStore
  readonly #limits: SessionLimits
  readonly #hooks: SessionHooks
  #id: string
  #stored: boolean
  #state: StoredSession

  constructor (init: SessionInit, store: SessionStore, limits: SessionLimits, hooks: SessionHooks) {
    this.#id = init.id
    this.createdAt = init.createdAt
    this.#stored = init.stored
    this.#state = init.state
    this.#store = store
    this.#limits = limits
    this.#hooks = hooks
  }

  get id (): string {
    return this.#id
  }

  /** False until the first change stores the record (lazy sessions). */
  get stored (): boolean {
    return this.#stored
  }

  /** The stored record's version (record-version.ts); null while nothing is stored. */
  get version (): number | null {
    return this.#state.copies?.version ?? null
  }

  /**
   * memcached's CAS token (its 64-bit item version, as `gets` prints it) of each copy, by node, as
   * this request last read or wrote the record: the tokens the next change compares against.
   * Empty while nothing is stored. Nothing secret: a token names a version, not the session.
   */
  get casTokens (): ReadonlyArray<{ node: number, cas: bigint }> {
    const tokens = this.#state.copies?.tokens
    if (!tokens) return []
    return [...tokens].flatMap(([node, cas]) => (cas ? [{ node, cas: cas.readBigUInt64BE(0) }] : []))
  }

  /** Nodes whose copy was behind when this request read the session (now rewritten). */
  get laggingCopies (): readonly number[] {
    return this.#state.copies?.lagging ?? []
  }

  /** The value under `key` as this request read it (or last wrote it); undefined when absent. */
  get<K extends Key<T>> (key: K): T[K] | undefined {
    return this.#state.data.get(key) as T[K] | undefined
  }

  entries (): Array<[Key<T>, T[Key<T>]]> {
    return [...this.#state.data] as Array<[Key<T>, T[Key<T>]]>
  }

  /** Stores `value` (any JSON) under `key`: a compare-and-swap on every copy; nothing when unchanged. */
  async set<K extends Key<T>> (key: K, value: T[K]): Promise<void> {
    checkKey(key, this.#limits)
    const kept = checkValue(value, this.#limits)
    const text = typeof kept === 'string' ? null : JSON.stringify(kept)
    await this.#change((data) => {
      const current = data.get(key)
      const same = text === null ? current === kept : current !== undefined && typeof current !== 'string' && JSON.stringify(current) === text
      if (same) return false
      data.set(key, kept)
      return true
    })
  }

  /** True when the key was there (as seen by the write, which may be newer than this request's read). */
  async delete (key: Key<T>): Promise<boolean> {
    let existed = false
    await this.#change((data) => {
      existed = data.delete(key)
      return existed
    })
    return existed
  }

  /** The record as memcached holds it. */
  toJSON (): string {
    return encodeRecord(this.#state.data)
  }

  /** Logout: the record is deleted and the cookie cleared; the old cookie never loads it again. */
  async end (): Promise<void> {
    await this.#hooks.end(this.#id, this.createdAt)
    this.#state = { data: new Map(), copies: null }
    this.#hooks.cookie(null)
  }

  /**
   * A new id for the same data (call it when privileges change, e.g. at login, against session
   * fixation): the data is stored under the new id first, then the old record is deleted.
   * The absolute lifetime still counts from the session's creation.
   */
  async regenerate (): Promise<void> {
    const old = this.#id
    const data = this.#state.data
    let id = this.#hooks.newId()
    let state: StoredSession = { data, copies: null }
    if (this.#stored) {
      let created
      while (!(created = await this.#store.create(id, data))) id = this.#hooks.newId()
      state = created
    }
    this.#id = id
    this.#state = state
    this.#hooks.cookie(this)
    await this.#hooks.end(old, this.createdAt)
  }

  async #change (change: (data: SessionData) => boolean): Promise<void> {
    const { written, state } = await this.#store.update(this.#id, this.#state, change)
      .catch((error: unknown) => { publishWriteFailed(this.#store, error); throw error })
    // The copies as written: a further change in this request needs no read first.
    this.#state = state
    if (written && !this.#stored) {
      this.#stored = true
      this.#hooks.cookie(this) // the first store: the cookie loses its "not stored yet" marker
    }
  }
}
