// The copies of one session record on the nodes of its id's route chain, and which one is current.
//
// A read of a node gives one of: the record (its data, version and CAS token), something that is
// not a session (an end mark, a value of another kind), a miss, or no answer. Of the records
// found, the current one is the latest version (record-version.ts), with two exceptions:
//   - an unversioned record on the id's home node is current whatever the copies say: only the
//     Python original writes those (it writes home, with flags 16), after this app's last write;
//   - two different records with the same version (rivals) come from two writers that raced, each
//     storing on one node first: lazily opened sessions whose first adds split, or two instances
//     that disagree about which node is down and so write different pairs (one instance's write
//     may then be done, on its own pair, while the other's lost on the node the pairs share). Such
//     a tie is a conflict still being settled, not a copy that lags: a read never rewrites one
//     copy of a tie with the other (two instances could each rewrite the other's copy and both
//     writes vanish), and each writer that finds its own record tied re-applies its change on the
//     rival's (store.ts), so whichever write lands holds both changes. Meanwhile a read serves one
//     of the two: the record on the node up longer in this instance's eyes (the other just came
//     back, maybe with a write that was in flight when it hung), else the larger bytes.
// An end mark on any node means the session ended: it is never served again from another copy.
//
// Only the current record is decoded (its JSON parsed): a page view reads two copies, and a large
// session's parse is most of that view's cost. What a copy is, is told from its flags and first
// byte; a current record that turns out not to be a JSON object is "not a session" too.
import { type CasToken, isNodeFailure, type MemcacheClient, type StoreResult } from '@memcache-session/client'
import { decodeRecord, type SessionData } from './record.ts'
import { FLAG_TEXT, flagsFor, isLater, nextVersion, versionOf, type RecordVersion } from './record-version.ts'

export type CopyRead =
  | { node: number, state: 'found', bytes: Buffer, flags: number, version: RecordVersion, cas: CasToken }
  | { node: number, state: 'missing' }
  | { node: number, state: 'not-a-session' }
  | { node: number, state: 'unreachable', error: unknown }

/** The current record among some reads, and the version every copy should carry. */
export interface CurrentRecord {
  data: SessionData
  bytes: Buffer
  version: RecordVersion
  /** Where it was read. */
  node: number
  /** Copies holding a different record of the same version: a tie still being settled (see the header). */
  rivals: FoundCopy[]
}

export type FoundCopy = Extract<CopyRead, { state: 'found' }>

/** An end mark: empty text, which this app reads as "not a session" and Python as "no session" (falsy). */
export const END_MARK = Buffer.alloc(0)
export const END_MARK_FLAGS = FLAG_TEXT

/** What one node holds under `id`; `touchTtl` slides its expiry in the same request. Never throws for a node failure. */
export async function readCopy (client: MemcacheClient, node: number, id: string, touchTtl?: number): Promise<CopyRead> {
  let item
  try {
    item = await client.onNode(node).getItem(id, touchTtl)
  } catch (error) {
    if (isNodeFailure(error)) return { node, state: 'unreachable', error }
    throw error
  }
  if (!item) return { node, state: 'missing' }
  const version = versionOf(item.flags)
  if (version === null || !looksLikeRecord(item.bytes)) return { node, state: 'not-a-session' }
  return { node, state: 'found', bytes: item.bytes, flags: item.flags, version, cas: item.cas }
}

const OPEN_BRACE = 0x7b

/** Whether `bytes` may be a session record (a JSON object: json.dumps and ours start with `{`); an end mark is empty. */
function looksLikeRecord (bytes: Buffer): boolean {
  return bytes.length > 0 && bytes[0] === OPEN_BRACE
}

/**
 * The current record of `reads`: 'ended' when any node holds an end mark (or anything that is
 * not a session), undefined when none holds a record. `home` is the id's home node; `upSince`
 * says since when this instance has seen a node up.
 */
export function currentOf (reads: readonly CopyRead[], home: number, upSince: (node: number) => number): CurrentRecord | 'ended' | undefined {
  if (reads.some((read) => read.state === 'not-a-session')) return 'ended'
  const found = reads.filter((read) => read.state === 'found')
  if (found.length === 0) return undefined
  const pythonWrite = found.find((read) => read.version === 0 && read.node === home)
  const versioned = found.filter((read) => read.version !== 0)
  if (pythonWrite) {
    // Carried forward past every copy, so that the copies take it up (see `lagging`).
    const latest = versioned.reduce<RecordVersion>((max, read) => isLater(read.version, max) ? read.version : max, 0)
    return decoded(pythonWrite, nextVersion(latest), [])
  }
  const candidates = versioned.length > 0 ? versioned : found
  let best = candidates[0]!
  for (const read of candidates.slice(1)) {
    if (isLater(read.version, best.version)) best = read
    else if (read.version === best.version && !read.bytes.equals(best.bytes) && winsTie(read, best, upSince)) best = read
  }
  const rivals = best.version === 0 ? [] : candidates.filter((read) => read.version === best.version && !read.bytes.equals(best.bytes))
  return decoded(best, best.version === 0 ? 1 : best.version, rivals)
}

/** A copy's record as the current one, with no rivals (a writer building on the rival it tied with). */
export function recordOf (read: FoundCopy): CurrentRecord | 'ended' {
  return decoded(read, read.version, [])
}

/** The current record with its data; 'ended' when it is not a JSON object after all (not a session). */
function decoded (read: FoundCopy, version: RecordVersion, rivals: FoundCopy[]): CurrentRecord | 'ended' {
  const data = decodeRecord(read.bytes)
  return data === null ? 'ended' : { data, bytes: read.bytes, version, node: read.node, rivals }
}

function winsTie (a: FoundCopy, b: FoundCopy, upSince: (node: number) => number): boolean {
  const [aUp, bUp] = [upSince(a.node), upSince(b.node)]
  if (aUp !== bUp) return aUp < bUp
  return Buffer.compare(a.bytes, b.bytes) > 0
}

/**
 * The reads whose node does not hold `current` as it should be stored (missing, older, or another
 * version's flags); a rival (the same version, another record) is not behind but tied.
 */
export function lagging (reads: readonly CopyRead[], current: CurrentRecord): Array<Extract<CopyRead, { state: 'found' | 'missing' }>> {
  const flags = flagsFor(current.version)
  const behind: Array<Extract<CopyRead, { state: 'found' | 'missing' }>> = []
  for (const read of reads) {
    if (read.state === 'missing') behind.push(read)
    else if (read.state === 'found' && (read.flags !== flags || !read.bytes.equals(current.bytes)) && !current.rivals.includes(read)) behind.push(read)
  }
  return behind
}

export type CopyWrite =
  | { node: number, outcome: 'stored', cas: CasToken }
  | { node: number, outcome: 'conflict' }
  | { node: number, outcome: 'failed', error: unknown }

/**
 * Writes a record to one node: over the version `token` names (compare-and-swap), or, with no
 * token, only if the node holds nothing under the id (add). 'conflict': the node holds something
 * else now (another write came first, an end mark, or the record expired).
 */
export async function writeCopy (client: MemcacheClient, node: number, id: string, bytes: Buffer, flags: number, ttl: number, token: CasToken | null): Promise<CopyWrite> {
  let result: StoreResult
  try {
    result = await client.onNode(node).storeItem(token ? 'set' : 'add', id, bytes, flags, ttl, token ?? undefined)
  } catch (error) {
    if (isNodeFailure(error)) return { node, outcome: 'failed', error }
    throw error
  }
  if (result.outcome === 'stored' && result.cas) return { node, outcome: 'stored', cas: result.cas }
  return { node, outcome: 'conflict' }
}
