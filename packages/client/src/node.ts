// One memcached node as the client sees it: its address, the transport that carries its requests
// (binary or meta, transport.ts), and its health, which follows reality: a node that fails is
// taken out of routing and probed in the background (the transport's cheapest request, first
// after `probeMinMs`, the interval doubling up to `probeMaxMs`), and used again as soon as it
// answers a probe or any other request. There is no fixed dead period (python-memcached's
// dead_retry): see the README's "Failure" section for what that means beside the Python original.
//
// Requests sent to a node that is down on purpose (the cluster page's stats, a session looked for
// along its route chain) still go out when its connection was refused or closed, which fails at
// once or finds it back; but a node that stopped answering (a timeout) is not asked again until a
// probe gets an answer: each question would cost a whole deadline.
import type { NodeTransport } from './transport.ts'
import { nodeDownChannel, nodeUpChannel, type NodeDownMessage, type NodeUpMessage } from './diagnostics.ts'
import { isNodeFailure, NodeDownError, TimeoutError } from './errors.ts'

export interface NodeAddress {
  host: string
  port: number
  weight: number
}

export interface ProbeTiming {
  /** First probe of a failed node after this long... */
  probeMinMs: number
  /** ...then at doubling intervals up to this one. */
  probeMaxMs: number
}

export class MemcacheNode {
  readonly address: NodeAddress
  readonly label: string
  readonly transport: NodeTransport
  /** The client this node belongs to, named in its down and up messages (a node has one per client). */
  readonly #owner: object
  /** Why the node last failed; null while it answers. */
  lastError: string | null = null
  readonly #timing: ProbeTiming
  #up = true
  #upSince = 0
  #downSince = 0
  /** Down because a request timed out (rather than being refused). */
  #hung = false
  #closed = false
  #probeDelay: number
  #probeTimer: NodeJS.Timeout | undefined
  #nextProbeAt = 0

  constructor (owner: object, address: NodeAddress, transport: NodeTransport, timing: ProbeTiming) {
    this.#owner = owner
    this.address = address
    this.label = `${address.host}:${address.port}`
    this.transport = transport
    this.#timing = timing
    this.#probeDelay = timing.probeMinMs
  }

  /** False from a failure until the node answers again. */
  get up (): boolean {
    return this.#up
  }

  /**
   * When this client last saw the node come back from a failure (the answer that ended it), in ms
   * since the epoch; 0 while it has not failed since the client started. A node that came back
   * more recently than another may have resumed with old records.
   */
  get upSince (): number {
    return this.#upSince
  }

  /** Since when the node is down (ms since the epoch); 0 while it is up. */
  get downSince (): number {
    return this.#up ? 0 : this.#downSince
  }

  /** When the next background probe of a down node is due (ms since the epoch); 0 when none is scheduled. */
  get nextProbeAt (): number {
    return this.#probeTimer ? this.#nextProbeAt : 0
  }

  /** Runs one transport call, keeping the node's health in step with its outcome. */
  async call<T> (command: (transport: NodeTransport) => Promise<T>): Promise<T> {
    if (!this.#up && this.#hung) throw new NodeDownError(this.label, new Error(`not answering since: ${this.lastError}`), false)
    let result: T
    try {
      result = await command(this.transport)
    } catch (error) {
      if (isNodeFailure(error)) this.markDown(error.message, error instanceof TimeoutError)
      throw error
    }
    this.#markUp()
    return result
  }

  /** Takes the node out of routing and starts probing it. */
  markDown (reason: string, timedOut = false): void {
    this.lastError = reason
    this.#hung = timedOut
    if (!this.#up) return
    this.#up = false
    this.#downSince = Date.now()
    if (nodeDownChannel.hasSubscribers) nodeDownChannel.publish({ client: this.#owner, node: this.label, reason, timedOut } satisfies NodeDownMessage)
    this.#probeDelay = this.#timing.probeMinMs
    this.#scheduleProbe()
  }

  close (): void {
    this.#closed = true
    clearTimeout(this.#probeTimer)
    this.#probeTimer = undefined
    this.transport.close()
  }

  #markUp (): void {
    this.lastError = null
    this.#hung = false
    if (this.#up) return
    this.#up = true
    this.#upSince = Date.now()
    if (nodeUpChannel.hasSubscribers) nodeUpChannel.publish({ client: this.#owner, node: this.label, downForMs: this.#upSince - this.#downSince } satisfies NodeUpMessage)
    clearTimeout(this.#probeTimer)
    this.#probeTimer = undefined
  }

  #scheduleProbe (): void {
    if (this.#closed || this.#probeTimer) return
    this.#probeTimer = setTimeout(() => { this.#probe().catch(() => {}) }, this.#probeDelay)
    this.#nextProbeAt = Date.now() + this.#probeDelay
    // Probes never keep the process alive.
    this.#probeTimer.unref()
  }

  async #probe (): Promise<void> {
    this.#probeTimer = undefined
    if (this.#closed || this.#up) return
    try {
      await this.transport.probe()
      this.#markUp()
    } catch (error) {
      this.lastError = (error as Error).message
      this.#probeDelay = Math.min(this.#probeDelay * 2, this.#timing.probeMaxMs)
      this.#scheduleProbe()
    }
  }
}
