// The original's `MemcacheToSession.Session`, dict-style: get / set / delete one key, and all of
// them. Reads come from the record loaded with the request; writes go to memcached at once.
//
//   Python (original)          TypeScript (here)
//   session[key]               session.get(key)
//   session[key] = value       await session.set(key, value)
//   del session[key]           await session.delete(key)   (false, not KeyError, when absent)
//   session.GetAll()           session.entries() / session.toJSON()
import { checkKey, checkValue, type SessionLimits } from './limits.ts'
import { encodeRecord, type SessionData } from './record.ts'
import type { SessionStore, StoredSession } from './store.ts'

export class Session {
  readonly #store: SessionStore
  readonly #limits: SessionLimits
  #state: StoredSession
  readonly id: string
  readonly createdAt: number

  constructor (
    id: string,
    createdAt: number,
    state: StoredSession,
    store: SessionStore,
    limits: SessionLimits
  ) {
    this.id = id
    this.createdAt = createdAt
    this.#state = state
    this.#store = store
    this.#limits = limits
  }

  get (key: string): unknown {
    return this.#state.data.get(key)
  }

  entries (): Array<[string, unknown]> {
    return [...this.#state.data]
  }

  async set (key: string, value: string): Promise<void> {
    checkKey(key, this.#limits)
    checkValue(value, this.#limits)
    await this.#change((data) => {
      if (data.get(key) === value) return false
      data.set(key, value)
      return true
    })
  }

  /** True when the key was there (as seen by the write, which may be newer than this request's read). */
  async delete (key: string): Promise<boolean> {
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

  async #change (change: (data: SessionData) => boolean): Promise<void> {
    const data = await this.#store.update(this.id, this.#state, change)
    // After a write the version is unknown; a further change in this request re-reads first.
    this.#state = { data, cas: null }
  }
}
