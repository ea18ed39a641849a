// Which node a key lives on: one small interface (gomemcache's ServerSelector is the model) with
// two policies behind it, chosen once from the `hashing` option, so no other module branches on
// the policy. modulo: python-memcached 1.59's weighted buckets and re-hash past dead nodes
// (routing.ts), shared with the Python original; ketama: weighted consistent hashing (ketama.ts).
import { KetamaRing, type Hashing } from './ketama.ts'
import type { NodeAddress } from './node.ts'
import { routeChain, routeKey, routeSteps, weightedBuckets, type RouteStep } from './routing.ts'

export type IsAlive = (node: number) => boolean

export interface RouteExplanation {
  /** The live node the key goes to now, or null when none is left. */
  node: number | null
  /** The node the key goes to with every node up. */
  home: number
  /** python-memcached's steps (hash, bucket, node) that led there; empty under ketama. */
  steps: RouteStep[]
}

export interface Router {
  readonly hashing: Hashing
  /** The live node for `key`, or null when every node it may use is down. */
  route (key: string | Buffer, isAlive: IsAlive): number | null
  /** Every node `key` can live on, home first, distinct, whatever their health. */
  chain (key: string | Buffer): number[]
  /** route(), with the reasons: for the cluster page's "why this node". */
  explain (key: string | Buffer, isAlive: IsAlive): RouteExplanation
}

const everyNodeUp: IsAlive = () => true

class ModuloRouter implements Router {
  readonly hashing = 'modulo' as const
  readonly buckets: readonly number[]

  constructor (servers: readonly NodeAddress[]) {
    this.buckets = weightedBuckets(servers.map((s) => s.weight))
  }

  route (key: string | Buffer, isAlive: IsAlive): number | null {
    return routeKey(key, this.buckets, isAlive)
  }

  chain (key: string | Buffer): number[] {
    return routeChain(key, this.buckets)
  }

  explain (key: string | Buffer, isAlive: IsAlive): RouteExplanation {
    const { steps, server } = routeSteps(key, this.buckets, isAlive)
    return { node: server, home: steps[0]!.server, steps }
  }
}

class KetamaRouter implements Router {
  readonly hashing = 'ketama' as const
  readonly #ring: KetamaRing

  constructor (servers: readonly NodeAddress[]) {
    this.#ring = new KetamaRing(servers)
  }

  route (key: string | Buffer, isAlive: IsAlive): number | null {
    return this.#ring.route(typeof key === 'string' ? key : key.toString('utf8'), isAlive)
  }

  chain (key: string | Buffer): number[] {
    return this.#ring.chain(typeof key === 'string' ? key : key.toString('utf8'))
  }

  explain (key: string | Buffer, isAlive: IsAlive): RouteExplanation {
    return { node: this.route(key, isAlive), home: this.route(key, everyNodeUp)!, steps: [] }
  }
}

export function createRouter (hashing: Hashing, servers: readonly NodeAddress[]): Router {
  return hashing === 'ketama' ? new KetamaRouter(servers) : new ModuloRouter(servers)
}
