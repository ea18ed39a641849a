// A Map that holds at most `capacity` entries, dropping the oldest first: for values that cost a
// keyed hash to compute and are asked for again on every page view of the same session (a CSRF
// token, a verified cookie). First in, first out rather than least recently used: a hit costs one
// Map lookup and nothing else, and a session viewed again after its entry was dropped pays one
// hash to put it back.
export class BoundedCache<K, V> {
  readonly #capacity: number
  readonly #entries = new Map<K, V>()

  constructor (capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive whole number, got ${capacity}`)
    this.#capacity = capacity
  }

  get size (): number {
    return this.#entries.size
  }

  /** The value under `key`, computed by `make` (and kept) when it is not held. */
  get (key: K, make: (key: K) => V): V {
    const held = this.#entries.get(key)
    if (held !== undefined) return held
    const value = make(key)
    this.set(key, value)
    return value
  }

  /** The value held under `key`, if any. */
  peek (key: K): V | undefined {
    return this.#entries.get(key)
  }

  set (key: K, value: V): void {
    if (this.#entries.size >= this.#capacity && !this.#entries.has(key)) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(key, value)
  }
}
