// Loading and saving session records. A page view is one memcached command (get-and-touch reads
// the record and slides its expiry); a change is a compare-and-swap on top of that read, re-read
// and re-applied when another request changed the session first, so no update is ever lost.
import type { CasValue, MemcacheClient } from '../memcache/client.ts'
import { TimeoutError, ValueFormatError } from '../memcache/errors.ts'
import type { CasToken } from '../memcache/transport.ts'
import { SessionConflictError, SessionLimitError } from './errors.ts'
import { formatBytes, type SessionLimits } from './limits.ts'
import { decodeRecord, encodeRecord, type SessionData } from './record.ts'

export interface StoredSession {
  data: SessionData
  /** The record's version at load time; null when there is no record (it expired meanwhile). */
  cas: CasToken | null
}

export interface StoreOptions {
  ttlSeconds: number
  limits: SessionLimits
  /** Compare-and-swap attempts before a change gives up with SessionConflictError. */
  casAttempts?: number
}

/** A change to session data; returns false when it changed nothing (then nothing is written). */
export type Change = (data: SessionData) => boolean

/** Not JSON, so never a session, for this app or the Python original. */
const ENDED_MARK = 'ended'
const BACKOFF_BASE_MS = 2
const BACKOFF_CAP_MS = 100

export class SessionStore {
  readonly #client: MemcacheClient
  readonly #ttl: number
  readonly #limits: SessionLimits
  readonly #casAttempts: number

  constructor (client: MemcacheClient, options: StoreOptions) {
    this.#client = client
    this.#ttl = options.ttlSeconds
    this.#limits = options.limits
    this.#casAttempts = options.casAttempts ?? 20
  }

  /**
   * The session's data and version, sliding its expiry in the same round trip; undefined when
   * memcached does not hold it (or holds something that is not a session). A node that times out
   * is marked dead by the client, so the one retry goes where the key now routes.
   */
  async load (id: string): Promise<StoredSession | undefined> {
    const read = () => this.#read(() => this.#client.getAndTouch(id, this.#ttl))
    try {
      return await read()
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error
      return read()
    }
  }

  /** Stores a session under a new id; false if the id is taken (then pick another). */
  create (id: string, data: SessionData = new Map()): Promise<boolean> {
    return this.#client.add(id, this.#encodeWithinLimits(data), this.#ttl)
  }

  /**
   * Applies `change` to the session and stores it with compare-and-swap. On a conflict the record
   * is read again and the change re-applied, after a jittered back-off. Returns the data as it now
   * stands, and whether it was written (false when the change changed nothing).
   */
  async update (id: string, loaded: StoredSession, change: Change): Promise<{ data: SessionData, written: boolean }> {
    let current = loaded
    for (let attempt = 0; attempt < this.#casAttempts; attempt++) {
      const next = new Map(current.data)
      if (!change(next)) return { data: next, written: false }
      const text = this.#encodeWithinLimits(next)
      const result = current.cas
        ? await this.#client.compareAndSwap(id, text, current.cas, this.#ttl)
        : (await this.#client.add(id, text, this.#ttl)) ? 'stored' : 'exists'
      if (result === 'stored') return { data: next, written: true }
      if (result === 'exists') await backoff(attempt)
      current = await this.#reload(id)
    }
    throw new SessionConflictError()
  }

  destroy (id: string): Promise<boolean> {
    return this.#client.delete(id)
  }

  /**
   * Leaves an end mark under `id` for `seconds`: a value that is not a session, so `load` finds
   * nothing and `loadIssued` says 'ended' (a cookie saying "issued, never stored" cannot bring the
   * id back; see open.ts).
   */
  async markEnded (id: string, seconds: number): Promise<void> {
    await this.#client.set(id, ENDED_MARK, seconds)
  }

  /**
   * For an id this app issued and may never have stored: its session (one get-and-touch, like
   * `load`), 'ended' when the key holds an end mark (or anything else that is not a session),
   * undefined when memcached holds nothing under it.
   */
  async loadIssued (id: string): Promise<StoredSession | 'ended' | undefined> {
    let found
    try {
      found = await this.#client.getAndTouch(id, this.#ttl).catch((error: unknown) => {
        // As in `load`: the node that timed out is marked dead, the one retry goes where the key routes now.
        if (error instanceof TimeoutError) return this.#client.getAndTouch(id, this.#ttl)
        throw error
      })
    } catch (error) {
      if (error instanceof ValueFormatError) return 'ended'
      throw error
    }
    if (!found) return undefined
    const data = decodeRecord(found.value)
    return data ? { data, cas: found.cas } : 'ended'
  }

  async #reload (id: string): Promise<StoredSession> {
    // Gone (expired or evicted between our read and write) or not a session: start from empty.
    return (await this.#read(() => this.#client.gets(id))) ?? { data: new Map(), cas: null }
  }

  /** A record as a session; undefined when it is missing or is not a JSON dict (a pickle, say). */
  async #read (fetch: () => Promise<CasValue | undefined>): Promise<StoredSession | undefined> {
    let found
    try {
      found = await fetch()
    } catch (error) {
      if (error instanceof ValueFormatError) return undefined // flags we do not decode
      throw error
    }
    const data = found ? decodeRecord(found.value) : null
    return data && found ? { data, cas: found.cas } : undefined
  }

  #encodeWithinLimits (data: SessionData): string {
    if (data.size > this.#limits.maxKeys) {
      throw new SessionLimitError(`A session holds at most ${this.#limits.maxKeys} keys.`)
    }
    const text = encodeRecord(data)
    const bytes = Buffer.byteLength(text, 'utf8')
    if (bytes > this.#limits.maxSessionBytes) {
      throw new SessionLimitError(`The session would be ${formatBytes(bytes)}; the limit is ${formatBytes(this.#limits.maxSessionBytes)}.`)
    }
    return text
  }
}

/** "Full jitter" exponential back-off: a random wait up to min(cap, base * 2^attempt). */
function backoff (attempt: number): Promise<void> {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling))
}
