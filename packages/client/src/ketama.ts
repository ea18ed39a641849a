// MEMCACHED_HASHING=ketama: weighted consistent hashing, compatible with libmemcached's ketama
// (md5, 160 points per server scaled by weight), from the maintained `hashring` package. When a
// node changes, about 1/N of the keys move, against most of them with python-memcached's modulo.
import HashRing from 'hashring'
import type { NodeAddress } from './node.ts'

export type Hashing = 'modulo' | 'ketama'

export class KetamaRing {
  readonly #ring: HashRing
  readonly #indexOf = new Map<string, number>()
  readonly #size: number

  constructor (servers: readonly NodeAddress[]) {
    const points: Record<string, { weight: number }> = {}
    servers.forEach((server, index) => {
      const label = `${server.host}:${server.port}`
      points[label] = { weight: server.weight }
      this.#indexOf.set(label, index)
    })
    this.#ring = new HashRing(points, 'md5', { compatibility: 'ketama' })
    this.#size = servers.length
  }

  /** Every node clockwise from the key's point, distinct, the key's own node first. */
  chain (key: string): number[] {
    const chain = [this.#indexOf.get(this.#ring.get(key)!)!]
    for (const label of this.#ring.range(key, this.#size, true)) {
      const index = this.#indexOf.get(label)!
      if (!chain.includes(index)) chain.push(index)
    }
    return chain
  }

  /** The first live node clockwise from the key's point on the ring, or null when none is alive. */
  route (key: string, isAlive: (server: number) => boolean = () => true): number | null {
    const first = this.#indexOf.get(this.#ring.get(key)!)!
    if (isAlive(first)) return first
    for (const label of this.#ring.range(key, this.#size, true)) {
      const index = this.#indexOf.get(label)!
      if (isAlive(index)) return index
    }
    return null
  }
}
