// Values and their flags, as python-memcached 1.59 writes and reads them, so that either side
// can read what the other stored: bytes flag 0, str flag 16 (UTF-8), int flag 2 (decimal), pickle
// flag 1, zlib-compressed bit 8 (test/fixtures/README.md says how the library was checked).
import { inflateSync } from 'node:zlib'
import { ValueFormatError, ValueTooLargeError } from './errors.ts'
import type { CasToken, Item } from './transport.ts'

export const FLAG_PICKLE = 1
export const FLAG_INTEGER = 2
export const FLAG_LONG = 4 // written only by Python 2; read as an integer
export const FLAG_COMPRESSED = 8
export const FLAG_TEXT = 16

/** memcached's default item size limit (`-I 1m`); an item also carries its key and headers. */
export const DEFAULT_MAX_VALUE_BYTES = 1024 * 1024 - 512

/**
 * The most a compressed value (flag 8) may inflate to. memcached holds at most about 1 MiB of
 * compressed bytes, and zlib can turn that into a gigabyte: a peer sharing the cluster could
 * plant such a value under a session id. Text python-memcached compressed inflates by a few times,
 * so 8 MiB leaves room for any value a memcached item can honestly carry.
 */
export const MAX_INFLATED_BYTES = 8 * 1024 * 1024

/** What the client stores: text (flag 16), integers (flag 2) and raw bytes (flags 0). */
export type MemcacheValue = string | number | bigint | Buffer

export interface CasValue {
  value: MemcacheValue
  cas: CasToken
}

export interface EncodedValue {
  bytes: Buffer
  flags: number
}

export function encodeValue (value: MemcacheValue, maxBytes = DEFAULT_MAX_VALUE_BYTES): EncodedValue {
  let encoded: EncodedValue
  if (typeof value === 'string') {
    encoded = { bytes: Buffer.from(value, 'utf8'), flags: FLAG_TEXT }
  } else if (typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))) {
    encoded = { bytes: Buffer.from(value.toString(), 'ascii'), flags: FLAG_INTEGER }
  } else if (Buffer.isBuffer(value)) {
    encoded = { bytes: value, flags: 0 }
  } else {
    throw new ValueFormatError(`cannot store a ${typeof value === 'number' ? 'non-integer number' : typeof value}: store a string, an integer or a Buffer (serialise objects to JSON text first)`)
  }
  if (encoded.bytes.length > maxBytes) {
    throw new ValueTooLargeError(`value is ${encoded.bytes.length} bytes; the limit is ${maxBytes}`)
  }
  return encoded
}

/** An integer read back: a number while it is safe, a bigint beyond (memcached counters are 64-bit). */
export function parseInteger (text: string): number | bigint {
  const big = BigInt(text)
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big
}

export function decodeValue (bytes: Buffer, flags: number): MemcacheValue {
  if (flags & FLAG_COMPRESSED) {
    bytes = inflate(bytes)
    flags &= ~FLAG_COMPRESSED
  }
  if (flags === 0) return bytes
  if (flags & FLAG_TEXT) return bytes.toString('utf8')
  if (flags & (FLAG_INTEGER | FLAG_LONG)) {
    const text = bytes.toString('ascii').trim()
    if (!/^-?\d+$/.test(text)) throw new ValueFormatError(`integer-flagged value is not a number: ${JSON.stringify(text.slice(0, 40))}`)
    return parseInteger(text)
  }
  if (flags & FLAG_PICKLE) throw new ValueFormatError('value is a Python pickle (flags 1); only text, integers and bytes are shared with Node')
  throw new ValueFormatError(`unknown flags on get: ${flags}`)
}

function inflate (bytes: Buffer): Buffer {
  try {
    return inflateSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ERR_BUFFER_TOO_LARGE') throw new ValueFormatError(`compressed value (flags 8) inflates past ${MAX_INFLATED_BYTES} bytes; refused`)
    throw new ValueFormatError(`compressed value (flags 8) is not zlib data: ${(error as Error).message}`)
  }
}

/** A stored item's value, as python-memcached would read it. */
export function valueOf (item: Item): MemcacheValue {
  return decodeValue(item.bytes, item.flags)
}

export function casValueOf (item: Item | undefined): CasValue | undefined {
  return item && { value: valueOf(item), cas: item.cas }
}
