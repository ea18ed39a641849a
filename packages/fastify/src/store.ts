// Loading and saving session records. A page view is one memcached command (get-and-touch reads
// the record and slides its expiry); a change is a compare-and-swap on top of that read, re-read
// and re-applied when another request changed the session first, so no update is ever lost.
//
// Records that moved. A session created or written while its home node was down lives on another
// node of its id's route chain (python-memcached's re-hash steps, the ring's next nodes). When the
// home node is back, a read there misses: only then (misses cost extra, hits never) the store
// looks along the chain, whatever this instance believes about those nodes' health, and brings
// the record home with `add` (never overwriting what is there: a record at home is newer, or
// another instance moved it first) and deletes the old copy only if it is unchanged since read.
// An ended session is deleted on every node of its chain, so no copy can come back.
import { type CasToken, type CasValue, type MemcacheClient, NodeDownError, TimeoutError, ValueFormatError } from '@memcache-session/client'
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
   * memcached does not hold it (or holds something that is not a session). On a miss, the record
   * is looked for along the id's route chain and brought home (see above).
   */
  async load (id: string): Promise<StoredSession | undefined> {
    return this.#find(id, () => this.#client.getAndTouch(id, this.#ttl))
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

  /**
   * Deletes the session on every node of its id's route chain, so that no copy left on another
   * node can be brought home later. When a node of the chain cannot be reached, an end mark under
   * the id (for the idle TTL) stops a copy it may hold from coming back.
   */
  async destroy (id: string): Promise<void> {
    const reached = await Promise.all(this.#client.routeChain(id).map((index) => this.#client.onNode(index).delete(id).then(() => true, (error: unknown) => {
      if (isNodeFailure(error)) return false
      throw error
    })))
    if (reached.includes(false)) await this.markEnded(id, this.#ttl)
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
    // No look along the route chain here: a cookie marked "not stored yet" names an id that was
    // never stored (its first change re-issues the cookie unmarked), so a miss is the normal case
    // and costs one command.
    let found
    try {
      found = await this.#client.getAndTouch(id, this.#ttl)
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
    return (await this.#find(id, () => this.#client.gets(id))) ?? { data: new Map(), cas: null }
  }

  /** The session where its id routes; on a miss, the record brought home from along its chain. */
  async #find (id: string, fetch: () => Promise<CasValue | undefined>): Promise<StoredSession | undefined> {
    const home = await this.#read(fetch)
    if (home === 'not-a-session') return undefined // an end mark, or the Python original's pickle
    return home ?? this.#bringHome(id, fetch)
  }

  async #bringHome (id: string, fetch: () => Promise<CasValue | undefined>): Promise<StoredSession | undefined> {
    const routed = this.#client.nodeIndexFor(id)
    for (const index of this.#client.routeChain(id)) {
      if (index === routed) continue
      const copy = await this.#read(() => this.#client.onNode(index).gets(id)).catch((error: unknown) => {
        if (isNodeFailure(error)) return undefined
        throw error
      })
      if (copy === undefined) continue
      if (copy === 'not-a-session') return undefined
      const home = this.#client.nodeIndexFor(id)
      if (home === null) throw new NodeDownError(null)
      // The node that answered is the id's home again (this instance had it down): read it there.
      if (home === index) return this.#found(await this.#read(fetch))
      const token = await this.#client.onNode(home).add(id, encodeRecord(copy.data), this.#ttl)
      // Something got home first (another instance moved it, or wrote anew): that one stands.
      if (!token) return this.#found(await this.#read(() => this.#client.gets(id)))
      if (copy.cas) await this.#client.onNode(index).delete(id, copy.cas).catch(() => {})
      return { data: copy.data, cas: token }
    }
    return undefined
  }

  #found (read: StoredSession | 'not-a-session' | undefined): StoredSession | undefined {
    return read === 'not-a-session' ? undefined : read
  }

  /** A record as a session; 'not-a-session' when the key holds something else (an end mark, a pickle). */
  async #read (fetch: () => Promise<CasValue | undefined>): Promise<StoredSession | 'not-a-session' | undefined> {
    let found
    try {
      found = await fetch()
    } catch (error) {
      if (error instanceof ValueFormatError) return 'not-a-session' // flags we do not decode
      throw error
    }
    if (!found) return undefined
    const data = decodeRecord(found.value)
    return data ? { data, cas: found.cas } : 'not-a-session'
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

function isNodeFailure (error: unknown): boolean {
  return error instanceof NodeDownError || error instanceof TimeoutError
}

/** "Full jitter" exponential back-off: a random wait up to min(cap, base * 2^attempt). */
function backoff (attempt: number): Promise<void> {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling))
}
