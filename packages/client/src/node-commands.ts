// Commands on one chosen node, without failover: for callers that keep copies of a key on nodes
// they pick themselves (the session store's two copies). The node's health still follows their
// outcome, and each is one instrumented round trip (dispatch.ts).
import { checkFlags, checkSize, checkTtl } from './arguments.ts'
import type { Dispatcher } from './dispatch.ts'
import { InvalidArgumentError } from './errors.ts'
import { encodeKey } from './keys.ts'
import type { CasToken, DeleteOutcome, Item, StoreResult } from './transport.ts'
import { casValueOf, encodeValue, type CasValue, type MemcacheValue } from './values.ts'

export interface NodeCommands {
  readonly index: number
  gets (key: string): Promise<CasValue | undefined>
  /** The stored bytes, flags and CAS token, undecoded; with `touchTtl` the expiry is reset in the same request. */
  getItem (key: string, touchTtl?: number): Promise<Item | undefined>
  /**
   * Stores bytes with the given flags (a caller's own encoding, e.g. a version in the high flag
   * bits); with `cas`, only if the item is still at that version. The outcome and the new token.
   */
  storeItem (mode: 'set' | 'add', key: string, bytes: Buffer, flags: number, ttl: number, cas?: CasToken): Promise<StoreResult>
  /** Adds; the new item's CAS token, or undefined when the key exists. */
  add (key: string, value: MemcacheValue, ttl: number): Promise<CasToken | undefined>
  /** Deletes, only if the item is still at version `cas` when one is given. */
  delete (key: string, cas?: CasToken): Promise<DeleteOutcome>
}

const itemBytes = (item: Item | undefined): number => item?.bytes.length ?? 0

export function nodeCommands (dispatch: Dispatcher, index: number, maxValueBytes: number): NodeCommands {
  if (!dispatch.nodes[index]) throw new InvalidArgumentError(`no node ${index}`)
  // Every command is async: a bad argument is a rejected promise, as a node's refusal is.
  return {
    index,
    gets: async (key) => {
      const k = encodeKey(key)
      return casValueOf(await dispatch.call('gets', index, (t) => t.get(k), { received: itemBytes }))
    },
    getItem: async (key, touchTtl) => {
      const k = encodeKey(key)
      const ttl = touchTtl === undefined ? undefined : checkTtl(touchTtl)
      return dispatch.call(ttl === undefined ? 'gets' : 'gat', index, (t) => t.get(k, ttl), { received: itemBytes })
    },
    storeItem: async (mode, key, bytes, flags, ttl, cas) => {
      const k = encodeKey(key)
      checkSize(bytes, maxValueBytes)
      checkFlags(flags)
      checkTtl(ttl)
      return dispatch.call(cas ? 'cas' : mode, index, (t) => t.store(mode, k, bytes, flags, ttl, cas), { sent: bytes.length })
    },
    add: async (key, value, ttl) => {
      const k = encodeKey(key)
      const { bytes, flags } = encodeValue(value, maxValueBytes)
      checkTtl(ttl)
      const { outcome, cas } = await dispatch.call('add', index, (t) => t.store('add', k, bytes, flags, ttl), { sent: bytes.length })
      return outcome === 'stored' ? cas : undefined
    },
    delete: async (key, cas) => {
      const k = encodeKey(key)
      return dispatch.call('delete', index, (t) => t.delete(k, cas))
    }
  }
}
