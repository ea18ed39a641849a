// Signs cookie values the way @fastify/cookie does (HMAC-SHA256, unpadded base64, after a dot), so
// tests can plant cookies: an old secret's signature, or a forged id.
import { createHmac } from 'node:crypto'

export function signerFor (secret: string): (value: string) => string {
  return (value) => `${value}.${createHmac('sha256', secret).update(value).digest('base64').replace(/=/g, '')}`
}
