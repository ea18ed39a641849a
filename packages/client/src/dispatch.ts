// How a command reaches a node: routed (router.ts), sent through the node (node.ts, which keeps
// its health), instrumented (diagnostics.ts) and, when the node fails, sent again where the key
// routes now, as python-memcached does, but only when that cannot apply it twice (Retry).
import { traced, retryChannel, type RetryMessage } from './diagnostics.ts'
import { isNodeFailure, NodeDownError } from './errors.ts'
import { encodeKey } from './keys.ts'
import type { MemcacheNode } from './node.ts'
import type { Router } from './router.ts'
import type { NodeTransport } from './transport.ts'

/**
 * Whether a command may be sent again where its key routes now after its node failed.
 * 'always': reads, and writes whose repetition is harmless (get, gets, get-and-touch, touch, set,
 * add, delete). 'unsent': only when the request certainly never reached the node (connection
 * refused or not yet open): a compare-and-swap, replace, append, prepend or counter whose outcome
 * is unknown surfaces as an error instead.
 */
export type Retry = 'always' | 'unsent'

/** Value bytes for the instrumentation: those sent, and how to count those received. */
export interface Sizes<T> {
  sent?: number
  received?: (result: T) => number
}

export class Dispatcher {
  readonly nodes: readonly MemcacheNode[]
  readonly router: Router
  /** The client, named in the diagnostics messages. */
  readonly #owner: object
  readonly #isAlive = (index: number): boolean => this.nodes[index]!.up

  constructor (owner: object, nodes: readonly MemcacheNode[], router: Router) {
    this.#owner = owner
    this.nodes = nodes
    this.router = router
  }

  /** The live node for `key` now, or null when none is left. */
  nodeFor (key: string | Buffer): number | null {
    return this.router.route(key, this.#isAlive)
  }

  /** One round trip to node `index`, no failover; the node's health follows its outcome. */
  call<T> (command: string, index: number, send: (transport: NodeTransport) => Promise<T>, sizes: Sizes<T> = {}): Promise<T> {
    const node = this.nodes[index]!
    return traced(this.#owner, command, node.label, sizes.sent ?? 0, () => node.call(send), sizes.received)
  }

  /**
   * Sends one request for `key` to its node. When the node fails (connection refused, reset or
   * closed, no answer within the deadline, an answer outside the protocol) it is marked down and,
   * if `retry` allows it, the request goes where the key routes now.
   */
  async request<T> (command: string, key: string, retry: Retry, send: (transport: NodeTransport, key: Buffer) => Promise<T>, sizes?: Sizes<T>): Promise<T> {
    const keyBytes = encodeKey(key)
    for (let attempt = 0; ; attempt++) {
      const index = this.nodeFor(keyBytes)
      if (index === null) throw new NodeDownError(null)
      try {
        return await this.call(command, index, (t) => send(t, keyBytes), sizes)
      } catch (error) {
        if (!isNodeFailure(error) || (retry === 'unsent' && error.sent) || attempt >= this.nodes.length) throw error
        this.#retried(command, index, attempt + 1, error.code)
      }
    }
  }

  /**
   * Groups requests by node and sends each group as one batch (one round trip), all groups at
   * once. Keys whose node failed are re-routed when `retry` allows it (as in request); keys that
   * no node could take, or whose outcome is unknown, go to `failed`. An error that is not a node's
   * failure (a ServerError, a closed client) is thrown once every group has settled.
   */
  async pipeline<R extends { key: string }> (
    command: string,
    requests: readonly R[],
    retry: Retry,
    send: (transport: NodeTransport, group: Array<R & { keyBytes: Buffer }>) => Promise<void>,
    failed: string[] = []
  ): Promise<void> {
    let pending = requests.map((r) => ({ ...r, keyBytes: encodeKey(r.key) }))
    let refusal: unknown
    for (let attempt = 0; pending.length > 0; attempt++) {
      const groups = new Map<number, typeof pending>()
      for (const request of pending) {
        const index = this.nodeFor(request.keyBytes)
        if (index === null) { failed.push(request.key); continue }
        const group = groups.get(index)
        if (group) group.push(request); else groups.set(index, [request])
      }
      pending = []
      await Promise.all([...groups].map(async ([index, group]) => {
        try {
          await this.call(command, index, (t) => send(t, group))
        } catch (error) {
          if (isNodeFailure(error) && (retry === 'always' || !error.sent) && attempt < this.nodes.length) {
            pending.push(...group)
            this.#retried(command, index, attempt + 1, error.code)
          } else {
            for (const r of group) failed.push(r.key)
          }
          if (!isNodeFailure(error)) refusal ??= error
        }
      }))
    }
    if (refusal !== undefined) throw refusal
  }

  #retried (command: string, index: number, attempt: number, reason: string): void {
    if (!retryChannel.hasSubscribers) return
    retryChannel.publish({ client: this.#owner, command, node: this.nodes[index]!.label, attempt, reason } satisfies RetryMessage)
  }
}
