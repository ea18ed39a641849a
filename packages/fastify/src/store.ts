// Loading and saving session records, in one or two copies.
//
// Where: an id's record lives on the first live nodes of its route chain (python-memcached's
// re-hash steps, or the ring's next nodes under ketama): its home node (where python-memcached
// puts it, so the Python original finds it) and, with `replicas: 1`, a copy on the next node,
// which is where python-memcached itself fails over to. While a node is down the pair slides
// along the chain, so a session still has two copies; when it is back, the pair slides back and
// the node that returned (empty, or holding old records) is brought up to date from the other.
//
// Reads: a page view asks both nodes at once (one round trip, get-and-touch: both expiries slide)
// and serves the current copy (copies.ts: versions decide); a copy that lags behind is rewritten
// in the background. When neither holds the record, the rest of the chain is looked at (a record
// written while those nodes were down, or by the Python original on its fallback node) and the
// record brought home with `add`, its old copy deleted if unchanged.
//
// Writes: compare-and-swap on every copy at once (one round trip), with the next version. A
// write is done when every node that answered stored it. When another write came first on some
// node, both copies are read again and the change re-applied on the current one (after a jittered
// back-off when it lost everywhere), so no update is lost. A node that fails during a write is
// left behind (the other copy has the write; it is repaired when it returns); only when every
// copy failed is the outcome unknown, and then the write is not repeated. A record that vanished
// from every copy (ended, expired or evicted) is never written back: the session is gone.
//
// Ties: two writers that each stored on one copy first leave two records of one version
// (copies.ts). Each re-applies its change on the other's record, after a back-off, so whichever
// lands holds both; a third writer waits for them to settle it, then builds on what they settled.
//
// Ending: an end mark (an empty value, which no one reads as a session) replaces the record on
// every node of the chain, so neither a copy nor a write in flight can bring the id back.
import { isNodeFailure, NodeDownError, type MemcacheClient } from '@memcache-session/client'
import { currentOf, END_MARK, END_MARK_FLAGS, lagging, readCopy, recordOf, writeCopy, type CopyRead, type CopyWrite, type CurrentRecord, type FoundCopy } from './copies.ts'
import { SessionConflictError, SessionGoneError, SessionLimitError } from './errors.ts'
import { formatBytes, type SessionLimits } from './limits.ts'
import { encodeRecord, type SessionData } from './record.ts'
import { flagsFor, nextVersion, type RecordVersion } from './record-version.ts'
import { publishConflict, publishRead, publishRepair, publishWrite } from './diagnostics.ts'

/** What a request knows of its session's stored record. */
export interface StoredSession {
  data: SessionData
  /** The record's copies as last read or written; null when nothing is stored (a lazy session). */
  copies: Copies | null
}

/** The copies of a record as this request saw them. */
export interface Copies {
  version: RecordVersion
  /** The current record as stored. */
  bytes: Buffer
  /** Per node read or written: the CAS token of what it holds, or null where it holds nothing. */
  tokens: Map<number, Buffer | null>
  /** Nodes that held an older copy (or none) when read, rewritten since. */
  lagging: number[]
  /** Copies that held another record of the same version when read: a tie two writers are settling (copies.ts). */
  rivals: FoundCopy[]
  /**
   * Copies being brought up to date since the read; a write waits for them (they change tokens).
   * Resolves to false when a copy changed meanwhile (another write got there), so it was not.
   */
  repairing: Promise<boolean> | null
}

export interface StoreOptions {
  ttlSeconds: number
  limits: SessionLimits
  /** Copies beyond the first: 1 (the default) keeps two, 0 one. */
  replicas?: 0 | 1
  /** Compare-and-swap attempts before a change gives up with SessionConflictError. */
  casAttempts?: number
  /** How long a change waits, at most, for two other writers to settle a tie (default: a back-off and two of the client's deadlines, see tieWaitFor). */
  tieWaitMs?: number
}

/** A change to session data; returns false when it changed nothing (then nothing is written). */
export type Change = (data: SessionData) => boolean

export interface UpdateResult {
  data: SessionData
  written: boolean
  state: StoredSession
}

/** How much sooner the second copy expires than home (see #ttlAt). */
const COPY_TTL_MARGIN_SECONDS = 2
const BACKOFF_BASE_MS = 2
const BACKOFF_CAP_MS = 100
/**
 * How long a writer that finds two other writers' records tied waits for them to settle it,
 * rereading after each back-off. A tied writer re-applies its change after one back-off (at most
 * BACKOFF_CAP_MS) and two round trips (its read of the tie, its write), each within the client's
 * deadline (`client.timeoutMs`, 500 ms by default): a wait shorter than that builds on one side of a
 * tie whose other side's writer may be done already (an instance that wrote another pair), and
 * loses its change. A tie that outlasts the wait has no writer left to settle it (its process
 * ended mid-write, or it lost its link), and the write builds on the record the read serves. It
 * counts for the whole of one change, not for each tie it meets.
 */
const tieWaitFor = (timeoutMs: number): number => BACKOFF_CAP_MS + 2 * timeoutMs

export class SessionStore {
  readonly #client: MemcacheClient
  readonly #ttl: number
  readonly #limits: SessionLimits
  readonly #copies: number
  readonly #casAttempts: number
  readonly #tieWaitMs: number

  constructor (client: MemcacheClient, options: StoreOptions) {
    const replicas = options.replicas ?? 1
    if (replicas !== 0 && replicas !== 1) throw new RangeError(`replicas must be 0 or 1, got ${replicas}`)
    const minTtl = replicas === 1 ? 1 + COPY_TTL_MARGIN_SECONDS : 1
    if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < minTtl) {
      throw new RangeError(`ttlSeconds must be a whole number of seconds, at least ${minTtl}${replicas === 1 ? ' with two copies (the copy expires two seconds before home)' : ''}, got ${options.ttlSeconds}`)
    }
    this.#client = client
    this.#ttl = options.ttlSeconds
    this.#limits = options.limits
    this.#copies = 1 + replicas
    this.#casAttempts = options.casAttempts ?? 20
    this.#tieWaitMs = options.tieWaitMs ?? tieWaitFor(client.timeoutMs)
  }

  /** How many copies of each record are kept (1 or 2). */
  get copies (): number {
    return this.#copies
  }

  /**
   * The nodes that hold `id`'s copies now: the first live nodes of its route chain (home first);
   * when none is up, its first nodes all the same (see #targetsIn).
   */
  targets (id: string): number[] {
    return this.#targetsIn(this.#client.routeChain(id))
  }

  #targetsIn (chain: readonly number[]): number[] {
    const live = chain.filter((index) => this.#client.nodes[index]!.up)
    if (live.length > 0) return live.slice(0, this.#copies)
    // Every node of the chain is down in this instance's eyes (a chain can be two nodes long):
    // ask its first ones anyway. One whose connection was refused or closed is tried at once and
    // may be back before its probe noticed; a hung one fails at once (node.ts). Either way no
    // deadline is spent.
    return chain.slice(0, this.#copies)
  }

  /**
   * The session's data and copies, sliding their expiry in the same round trip; undefined when
   * memcached does not hold it (or holds an end mark). On a miss at every copy, the record is
   * looked for along the rest of the id's route chain and brought home.
   */
  async load (id: string): Promise<StoredSession | undefined> {
    const { reads, targets, chain } = await this.#readTargets(id, this.#ttl)
    const current = this.#current(chain, reads)
    publishRead(this, current, reads, this.#copies)
    if (current === 'ended') return undefined
    if (current) return this.#state(id, current, reads, chain)
    return this.#fromChain(id, chain, targets)
  }

  /**
   * For an id this app issued and may never have stored: its session (like `load`), 'ended' when
   * an end mark is under it, undefined when memcached holds nothing under it. No look along the
   * chain: a cookie marked "not stored yet" names an id that was never stored (its first change
   * re-issues the cookie unmarked), so a miss is the normal case.
   */
  async loadIssued (id: string): Promise<StoredSession | 'ended' | undefined> {
    const { reads, chain } = await this.#readTargets(id, this.#ttl)
    const current = this.#current(chain, reads)
    if (current === 'ended' || current === undefined) return current
    return this.#state(id, current, reads, chain)
  }

  /** Stores a session under a new id; undefined if the id is taken (then pick another). */
  async create (id: string, data: SessionData = new Map()): Promise<StoredSession | undefined> {
    const bytes = this.#encodeWithinLimits(data)
    const version = nextVersion(0)
    const chain = this.#client.routeChain(id)
    const writes = await Promise.all(this.#targetsIn(chain).map((node) => writeCopy(this.#client, node, id, bytes, flagsFor(version), this.#ttlAt(node, chain), null)))
    if (allFailed(writes)) throw firstError(writes)
    if (writes.some((write) => write.outcome === 'conflict')) return undefined
    publishWrite(this, true, 1, writes, bytes.length)
    return { data, copies: copiesOf(version, bytes, writes) }
  }

  /**
   * Applies `change` to the session and stores it on every copy with compare-and-swap. On a
   * conflict the copies are read again and the change re-applied (see the header). Returns the
   * data as it now stands, whether it was written, and the state for a further change.
   */
  async update (id: string, loaded: StoredSession, change: Change): Promise<UpdateResult> {
    let state = loaded
    let failedTargets: number[] = []
    // Until when this change may wait for other writers to settle a tie (set at the first it meets).
    let tieDeadline: number | null = null
    // Set once a write lost somewhere while its outcome on another node is unknown (sent, then no
    // answer: a hung node may still apply it when it resumes). From then on a version is always
    // written, even when the change turns out to be there already, so that a late landing of the
    // earlier one is older than the record every copy holds, never tied with it.
    let inFlight = false
    for (let attempt = 0; attempt < this.#casAttempts; attempt++) {
      await state.copies?.repairing
      for (let wait = 0; state.copies && state.copies.rivals.length > 0; wait++) {
        tieDeadline ??= performance.now() + this.#tieWaitMs
        if (performance.now() >= tieDeadline) break
        await backoff(wait)
        state = await this.#reread(id)
        await state.copies?.repairing
      }
      const next = new Map(state.data)
      if (!change(next) && !inFlight) return { data: next, written: false, state }
      const bytes = this.#encodeWithinLimits(next)
      const version = state.copies ? nextVersion(state.copies.version) : nextVersion(0)
      const tokens = state.copies?.tokens
      const chain = this.#client.routeChain(id)
      const targets = this.#targetsIn(chain)
      const writes = await Promise.all(targets.map((node) =>
        writeCopy(this.#client, node, id, bytes, flagsFor(version), this.#ttlAt(node, chain), tokens?.get(node) ?? null)))
      if (allFailed(writes)) {
        // Nothing was applied (no connection): write where the id's copies are now, unless that
        // is where it just failed (every node down). Otherwise the outcome is unknown and the
        // write is not repeated.
        const unsent = writes.every((write) => write.outcome === 'failed' && !sentTo(write))
        if (unsent && attempt < this.#client.nodes.length && !sameNodes(targets, failedTargets)) {
          failedTargets = targets
          continue
        }
        throw firstError(writes)
      }
      if (!writes.some((write) => write.outcome === 'conflict')) {
        publishWrite(this, !state.copies, attempt + 1, writes, bytes.length)
        return { data: next, written: true, state: { data: next, copies: copiesOf(version, bytes, writes) } }
      }
      publishConflict(this, attempt + 1)
      if (writes.some((write) => write.outcome === 'failed' && sentTo(write))) inFlight = true
      if (!writes.some((write) => write.outcome === 'stored')) await backoff(attempt)
      const settled = await this.#settle(id, version, bytes, writes)
      if (settled.ours) publishWrite(this, !state.copies, attempt + 1, writes, bytes.length)
      if (settled.ours) return { data: settled.state.data, written: true, state: settled.state }
      // Tied with another writer, which re-applies its change on ours as this one does on its:
      // a back-off first, so that the two do not split the copies between them again.
      if (settled.tied) await backoff(attempt)
      state = settled.state
    }
    throw new SessionConflictError()
  }

  /**
   * After a write that stored on some copies and lost on others: the copies as they now stand, and
   * whether ours is the current record on every one that answers. Ours may be current only in a
   * read that raced another write: it is done only once the copies that lagged took it (the
   * read's repair stored it), otherwise the copies are read again. A write whose record lost (a
   * later version) is re-applied by the caller on the current one; one whose record is tied with
   * another writer's (`tied`) on that other record, whichever of the two a read would serve: the
   * other writer's may be done already, on a pair of nodes this instance does not read.
   *
   * Ours is never done while a node where it lost does not answer the re-read: what it lost to
   * there is unknown (another instance's finished write, maybe, on a pair this one does not read,
   * which a tie with ours would put at stake). Then ours is withdrawn where it still stands
   * (deleted over its own token: never over anything written since) and the change fails with
   * NodeDownError, as a write whose nodes did not answer does.
   */
  async #settle (id: string, version: RecordVersion, bytes: Buffer, writes: readonly CopyWrite[]): Promise<{ ours: boolean, tied: boolean, state: StoredSession }> {
    const lostOn = writes.filter((write) => write.outcome === 'conflict').map((write) => write.node)
    for (let attempt = 0; ; attempt++) {
      const state = await this.#reread(id)
      const copies = state.copies!
      const oursAmongTied = copies.rivals.length > 0 && copies.version === version &&
        (copies.bytes.equals(bytes) || copies.rivals.some((rival) => rival.bytes.equals(bytes)))
      if (oursAmongTied) return { ours: false, tied: true, state: onRival(state, bytes) }
      if (copies.version !== version || !copies.bytes.equals(bytes)) return { ours: false, tied: false, state }
      const unheard = lostOn.find((node) => !copies.tokens.has(node))
      if (unheard !== undefined) {
        // Every copy the re-read found ours on, and any its repair wrote ours to.
        await copies.repairing
        await Promise.all([...copies.tokens].map(([node, token]) => token
          ? this.#client.onNode(node).delete(id, token).catch(() => false)
          : undefined))
        throw new NodeDownError(this.#client.nodes[unheard]!.label, new Error('it did not answer the re-read after this write lost there'))
      }
      if (await (copies.repairing ?? true)) return { ours: true, tied: false, state }
      if (attempt >= this.#casAttempts) throw new SessionConflictError()
    }
  }

  /**
   * Ends the session: an end mark replaces it on every node of its id's route chain (not only
   * its copies: a node that was down when it was written may hold an older one), for `seconds`
   * (default: the idle TTL, after which any copy a node kept has expired anyway).
   */
  async destroy (id: string, seconds = this.#ttl): Promise<void> {
    const chain = this.#client.routeChain(id)
    const marks = await Promise.all(chain.map((node) => this.#client.onNode(node).storeItem('set', id, END_MARK, END_MARK_FLAGS, seconds).then(
      () => true,
      (error: unknown) => { if (isNodeFailure(error)) return false; throw error })))
    if (!marks.includes(true)) throw new NodeDownError(null)
  }

  /** Reads the copies where they are now; when every one failed, where the id routes after that. */
  async #readTargets (id: string, touchTtl?: number): Promise<{ reads: CopyRead[], targets: number[], chain: number[] }> {
    const chain = this.#client.routeChain(id)
    let tried: number[] = []
    for (let attempt = 0; ; attempt++) {
      const targets = this.#targetsIn(chain)
      const reads = await Promise.all(targets.map((node) => readCopy(this.#client, node, id, touchTtl && this.#ttlAt(node, chain))))
      const failed = reads.filter((read) => read.state === 'unreachable')
      if (failed.length < reads.length) return { reads, targets, chain }
      // Where the id routes after that, unless it is where it just failed (every node down).
      if (attempt >= this.#client.nodes.length || sameNodes(targets, tried)) throw failed[0]!.error
      tried = targets
    }
  }

  /** The copies read again after a conflict (no touch: the page view already slid them). */
  async #reread (id: string): Promise<StoredSession> {
    const { reads, chain } = await this.#readTargets(id)
    const current = this.#current(chain, reads)
    // Ended, or gone from every copy (expired or evicted between our read and write): never
    // written back under this id.
    if (current === 'ended' || current === undefined) throw new SessionGoneError()
    return this.#state(id, current, reads, chain)
  }

  /**
   * The expiry of a copy on `node`: the idle TTL at the id's home (the chain's first node), two
   * seconds less anywhere else, also while the pair has slid past a node that is down, so a copy
   * never outlives home's last touch. Each memcached process ticks its clock once a second, in a
   * phase of its own, so two expiries set at the same moment on two nodes can land up to a second
   * apart in either order; a one-second margin could let the copy outlive home. With two, a
   * record missing at home while its copy is there was lost (a restart, an eviction) or missed the
   * latest views while home was down, never idle expired, and bringing it back is right; a copy
   * missing while home holds the record is rewritten from home, which has not expired either.
   * Nothing outlives the idle TTL after the last view in any case: every expiry is at most it.
   */
  #ttlAt (node: number, chain: readonly number[]): number {
    // With one copy there is no second expiry to keep apart (and a TTL of 1 or 2 is allowed).
    if (this.#copies === 1 || node === chain[0]) return this.#ttl
    return this.#ttl - COPY_TTL_MARGIN_SECONDS
  }

  /** The current record of `reads`; the chain's first node is the id's home. */
  #current (chain: readonly number[], reads: readonly CopyRead[]): CurrentRecord | 'ended' | undefined {
    return currentOf(reads, chain[0]!, (node) => this.#client.nodes[node]!.upSince)
  }

  /** The state of a record read at `reads`, rewriting in the background the copies that lag. */
  #state (id: string, current: CurrentRecord, reads: readonly CopyRead[], chain: readonly number[]): StoredSession {
    const tokens = new Map<number, Buffer | null>()
    for (const read of reads) {
      if (read.state === 'found') tokens.set(read.node, read.cas)
      else if (read.state === 'missing') tokens.set(read.node, null)
    }
    const copies: Copies = { version: current.version, bytes: current.bytes, tokens, lagging: [], rivals: current.rivals, repairing: null }
    const behind = lagging(reads, current)
    copies.lagging = behind.map((read) => read.node)
    if (behind.length > 0) {
      const flags = flagsFor(current.version)
      copies.repairing = Promise.all(behind.map(async (read) => {
        const ttl = this.#ttlAt(read.node, chain)
        const write = await writeCopy(this.#client, read.node, id, current.bytes, flags, ttl, read.state === 'found' ? read.cas : null)
        if (write.outcome === 'stored') tokens.set(read.node, write.cas)
        publishRepair(this, 'lagging', write.outcome)
        // A node that failed is left behind (it is down now); one that holds something else lost nothing of ours yet.
        return write.outcome !== 'conflict'
      })).then((done) => done.every(Boolean), () => false) // a repair that fails is tried again by the next read
    }
    return { data: current.data, copies }
  }

  /**
   * A record on a node of the chain other than its copies (written while they were down): taken
   * to the copies with `add` (never over what is there: that is newer, or another instance moved
   * it first), and the old one deleted if unchanged since read.
   */
  async #fromChain (id: string, chain: readonly number[], targets: readonly number[]): Promise<StoredSession | undefined> {
    const others = chain.filter((node) => !targets.includes(node))
    if (others.length === 0) return undefined
    const reads = await Promise.all(others.map((node) => readCopy(this.#client, node, id)))
    const current = this.#current(chain, reads)
    if (current === 'ended' || current === undefined) return undefined
    const writes = await Promise.all(targets.map((node) => writeCopy(this.#client, node, id, current.bytes, flagsFor(current.version), this.#ttlAt(node, chain), null)))
    // Something got there first: what the copies hold now stands.
    for (const write of writes) publishRepair(this, 'moved', write.outcome)
    if (writes.some((write) => write.outcome === 'conflict') || !writes.some((write) => write.outcome === 'stored')) {
      return this.#reread(id).catch((error: unknown) => { if (error instanceof SessionGoneError) return undefined; throw error })
    }
    await Promise.all(reads.map((read) => read.state === 'found'
      ? this.#client.onNode(read.node).delete(id, read.cas).catch(() => {})
      : undefined))
    return { data: current.data, copies: copiesOf(current.version, current.bytes, writes) }
  }

  #encodeWithinLimits (data: SessionData): Buffer {
    if (data.size > this.#limits.maxKeys) {
      throw new SessionLimitError(`A session holds at most ${this.#limits.maxKeys} keys.`)
    }
    const bytes = Buffer.from(encodeRecord(data), 'utf8')
    if (bytes.length > this.#limits.maxSessionBytes) {
      throw new SessionLimitError(`The session would be ${formatBytes(bytes.length)}; the limit is ${formatBytes(this.#limits.maxSessionBytes)}.`)
    }
    return bytes
  }
}

function copiesOf (version: RecordVersion, bytes: Buffer, writes: readonly CopyWrite[]): Copies {
  const tokens = new Map<number, Buffer | null>()
  for (const write of writes) if (write.outcome === 'stored') tokens.set(write.node, write.cas)
  return { version, bytes, tokens, lagging: [], rivals: [], repairing: null }
}

/**
 * A tied state (our record `ours` and a rival's, one version) as the base for re-applying our
 * change: the other writer's record, with every copy's token, so the next write replaces both.
 */
function onRival (state: StoredSession, ours: Buffer): StoredSession {
  const copies = state.copies!
  const settled = { ...copies, rivals: [] }
  if (!copies.bytes.equals(ours)) return { data: state.data, copies: settled }
  const rival = recordOf(copies.rivals.find((read) => !read.bytes.equals(ours))!)
  // The rival looked like a record (its flags and first byte) but is no JSON object: not a session.
  if (rival === 'ended') throw new SessionGoneError()
  return { data: rival.data, copies: { ...settled, bytes: rival.bytes } }
}

function sameNodes (a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((node, i) => node === b[i])
}

function allFailed (writes: readonly CopyWrite[]): boolean {
  return writes.every((write) => write.outcome === 'failed')
}

function firstError (writes: readonly CopyWrite[]): unknown {
  for (const write of writes) if (write.outcome === 'failed') return write.error
  return new NodeDownError(null)
}

/** Whether a failed write may have reached its node (then its outcome is unknown). */
function sentTo (write: Extract<CopyWrite, { outcome: 'failed' }>): boolean {
  return isNodeFailure(write.error) ? write.error.sent : true
}

/** "Full jitter" exponential back-off: a random wait up to min(cap, base * 2^attempt). */
function backoff (attempt: number): Promise<void> {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling))
}
