// Session ids: 128 bits from the OS CSPRNG, as 32 lowercase hex characters. The original used
// md5(uuid1()), which has the same shape but is derived from the clock and MAC address: guessable.
import { randomBytes } from 'node:crypto'

export function newSessionId (): string {
  return randomBytes(16).toString('hex')
}

export function isSessionId (value: string): boolean {
  return /^[0-9a-f]{32}$/.test(value)
}
