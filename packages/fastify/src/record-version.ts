// Which copy of a session record is current: a version carried in the record's memcached flags.
//
// A record is JSON text with python-memcached's text flag (16), so the Python original reads it.
// python-memcached 1.59 reads any value whose flags have bit 16 set and bit 8 (compressed) clear
// as text, whatever the higher bits hold (`memcache.py`, `_recv_value`), and memcached keeps 32-bit
// flags: bits 5 to 31 are ours. They hold the record's version, a counter that every write of
// this app raises by one, so it travels with both copies and the Python original never sees it.
//
// Version 0 means "unversioned": written by the Python original (its flags are exactly 16) or by
// this app before it kept copies. The counter wraps after 2^27 - 1 writes (skipping 0) and is
// compared in serial-number arithmetic (RFC 1982): a session would need 2^26 writes in its life
// (12 hours at most) for two of its versions to compare the wrong way.
export const FLAG_TEXT = 16
const FLAG_COMPRESSED = 8
const VERSION_SHIFT = 5
const VERSION_BITS = 27
const VERSION_SPACE = 2 ** VERSION_BITS
const HALF_SPACE = VERSION_SPACE / 2

export type RecordVersion = number

/** The flags of a record at `version` (1 to 2^27 - 1; 0 writes the Python original's plain 16). */
export function flagsFor (version: RecordVersion): number {
  if (!Number.isInteger(version) || version < 0 || version >= VERSION_SPACE) throw new RangeError(`record version out of range: ${version}`)
  return (FLAG_TEXT | (version << VERSION_SHIFT)) >>> 0
}

/** The version a record's flags carry; null when the flags are not a text record's (not a session). */
export function versionOf (flags: number): RecordVersion | null {
  if (!(flags & FLAG_TEXT) || (flags & FLAG_COMPRESSED)) return null
  return flags >>> VERSION_SHIFT
}

/** The version after `version` (wrapping past 2^27 - 1 to 1: 0 stays "unversioned"). */
export function nextVersion (version: RecordVersion): RecordVersion {
  const next = (version + 1) % VERSION_SPACE
  return next === 0 ? 1 : next
}

/** Whether `a` is a later write than `b` (both versioned, serial-number order). */
export function isLater (a: RecordVersion, b: RecordVersion): boolean {
  const distance = (a - b + VERSION_SPACE) % VERSION_SPACE
  return distance !== 0 && distance < HALF_SPACE
}
