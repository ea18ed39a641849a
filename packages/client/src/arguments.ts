// The checks on a command's arguments that memcached would otherwise answer with an error or a
// dropped connection: each throws InvalidArgumentError before anything is sent.
import { InvalidArgumentError, ValueTooLargeError } from './errors.ts'

const MAX_TTL = 0xffffffff
const MAX_FLAGS = 0xffffffff
const MAX_DELTA = 0xffffffffffffffffn

/** Seconds from now (or a Unix time past 30 days, memcached's rule); 0: no expiry. */
export function checkTtl (ttl: number): number {
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) {
    throw new InvalidArgumentError(`ttl must be a whole number of seconds from 0 to ${MAX_TTL}, got ${ttl}`)
  }
  return ttl
}

export function checkFlags (flags: number): number {
  if (!Number.isInteger(flags) || flags < 0 || flags > MAX_FLAGS) throw new InvalidArgumentError(`flags must be a 32-bit unsigned integer, got ${flags}`)
  return flags
}

export function checkSize (bytes: Buffer, maxBytes: number): Buffer {
  if (bytes.length > maxBytes) throw new ValueTooLargeError(`value is ${bytes.length} bytes; the limit is ${maxBytes}`)
  return bytes
}

/** A counter's delta: memcached's 64-bit unsigned range. */
export function checkDelta (delta: number | bigint): bigint {
  const amount = BigInt(delta)
  if (amount < 0n || amount > MAX_DELTA) throw new InvalidArgumentError(`delta must be from 0 to 2^64-1, got ${delta}`)
  return amount
}
