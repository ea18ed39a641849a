import { CSRF_FIELD } from '../session/csrf.ts'

const text = { type: 'string' } as const

export const playgroundFormSchema = {
  body: {
    type: 'object',
    properties: { op: text, card: text, key: text, val: text, ttl: text, keys: text, pairs: text, delta: text, token: text, [CSRF_FIELD]: text }
  }
} as const
