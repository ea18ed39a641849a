// The binary-protocol pieces memjs does not name or build: opcodes, statuses, and request
// buffers that carry a CAS token. Layout: https://github.com/memcached/memcached/wiki/BinaryProtocolRevamped
import memjs from 'memjs'
import { ServerError, type ServerErrorStatus } from '../errors.ts'
import type { CasToken } from '../transport.ts'

export const Opcode = {
  GET: 0x00,
  SET: 0x01,
  ADD: 0x02,
  REPLACE: 0x03,
  DELETE: 0x04,
  INCREMENT: 0x05,
  DECREMENT: 0x06,
  NOOP: 0x0a,
  VERSION: 0x0b,
  GETKQ: 0x0d,
  APPEND: 0x0e,
  PREPEND: 0x0f,
  STAT: 0x10,
  SETQ: 0x11,
  DELETEQ: 0x14,
  TOUCH: 0x1c,
  GAT: 0x1d
} as const

export const Status = {
  OK: 0x00,
  KEY_NOT_FOUND: 0x01,
  KEY_EXISTS: 0x02,
  VALUE_TOO_LARGE: 0x03,
  INVALID_ARGUMENTS: 0x04,
  NOT_STORED: 0x05,
  NON_NUMERIC: 0x06,
  UNKNOWN_COMMAND: 0x81,
  OUT_OF_MEMORY: 0x82
} as const

/** The binary protocol's first byte of every answer. */
export const RESPONSE_MAGIC = 0x81

const SERVER_ERROR_STATUS: Record<number, ServerErrorStatus> = {
  [Status.VALUE_TOO_LARGE]: 'too-large',
  [Status.INVALID_ARGUMENTS]: 'invalid-request',
  [Status.NON_NUMERIC]: 'non-numeric',
  [Status.UNKNOWN_COMMAND]: 'unknown-command',
  [Status.OUT_OF_MEMORY]: 'out-of-memory'
}

/** A status the command does not expect, as the word both transports use. */
export function serverError (status: number, text: string): ServerError {
  return new ServerError(SERVER_ERROR_STATUS[status] ?? 'other', `status 0x${status.toString(16).padStart(4, '0')}: ${text || 'error'}`)
}

const CAS_OFFSET = 16

export interface RequestParts {
  opcode: number
  key?: Buffer
  extras?: Buffer
  value?: Buffer
  cas?: CasToken
}

/** A request buffer built by memjs, with the CAS token written into bytes 16-23 of its 24-byte header. */
export function buildRequest ({ opcode, key, extras, value, cas }: RequestParts, opaque: number): Buffer {
  const buf = memjs.Utils.makeRequestBuffer(opcode, key ?? '', extras ?? '', value ?? '', opaque)
  if (cas) cas.copy(buf, CAS_OFFSET, 0, 8)
  return buf
}

/** Extras of set/add/replace: 4 bytes of flags, 4 bytes of expiry. */
export function storageExtras (flags: number, ttlSeconds: number): Buffer {
  const extras = Buffer.alloc(8)
  extras.writeUInt32BE(flags >>> 0, 0)
  extras.writeUInt32BE(ttlSeconds, 4)
  return extras
}

/** Extras of GAT and TOUCH: 4 bytes of expiry. */
export function expiryExtras (ttlSeconds: number): Buffer {
  const extras = Buffer.alloc(4)
  extras.writeUInt32BE(ttlSeconds, 0)
  return extras
}

/** Extras of incr/decr: 8-byte delta, 8-byte initial value, 4-byte expiry 0xffffffff (fail when missing). */
export function counterExtras (delta: bigint): Buffer {
  const extras = Buffer.alloc(20)
  extras.writeBigUInt64BE(delta, 0)
  extras.writeBigUInt64BE(0n, 8)
  extras.writeUInt32BE(0xffffffff, 16)
  return extras
}
