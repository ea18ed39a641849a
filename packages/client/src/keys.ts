// memcached key rules, checked before anything is sent (memjs checks none, and a key the server
// rejects makes it close the connection). Stricter than python-memcached on one point: its regex
// lets one trailing "\n" through; we do not.
import { InvalidKeyError } from './errors.ts'

export const MAX_KEY_BYTES = 250

/** Throws InvalidKeyError naming the rule the key breaks; returns the key's UTF-8 bytes otherwise. */
export function encodeKey (key: string): Buffer {
  if (typeof key !== 'string') throw new InvalidKeyError(`key must be a string, got ${typeof key}`)
  if (key.length === 0) throw new InvalidKeyError('key must not be empty')
  const bytes = Buffer.from(key, 'utf8')
  if (bytes.length > MAX_KEY_BYTES) {
    throw new InvalidKeyError(`key is ${bytes.length} bytes; memcached allows at most ${MAX_KEY_BYTES}`)
  }
  for (const byte of bytes) {
    // Allowed: printable ASCII 0x21-0x7e and any byte of a multi-byte UTF-8 sequence (0x80-0xff).
    if (byte <= 0x20 || byte === 0x7f) {
      throw new InvalidKeyError(`key must not contain spaces or control characters (found byte 0x${byte.toString(16).padStart(2, '0')})`)
    }
  }
  return bytes
}
