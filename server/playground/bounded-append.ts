// append and prepend that hold the playground's value limit, race-free.
import { setTimeout } from 'node:timers/promises'
import type { MemcacheClient } from '@memcache-session/client'
import { MAX_VALUE_BYTES, PlaygroundInputError } from './input.ts'

/**
 * append/prepend that never leave a value above MAX_VALUE_BYTES: read the stored size and CAS
 * token, refuse when the result would be too large, else append with that token, so memcached
 * refuses the append if anything changed the key in between (then, after a short jittered
 * back-off, read and check again).
 */
export async function concatWithinLimit (mc: MemcacheClient, op: 'append' | 'prepend', stored: string, text: string): Promise<boolean> {
  const added = Buffer.byteLength(text)
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await mc.getsRaw(stored)
    if (!current) return false
    if (current.bytes.length + added > MAX_VALUE_BYTES) {
      throw new PlaygroundInputError((w) => w.concatTooBig(op, current.bytes.length + added, MAX_VALUE_BYTES / 1024))
    }
    if (await mc[op](stored, text, current.cas)) return true
    await setTimeout(Math.random() * Math.min(50, 2 ** attempt))
  }
  throw new PlaygroundInputError((w) => w.concatGaveUp(op))
}
