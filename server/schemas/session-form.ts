// The session form: the original's fields (`action` = set|del, `key`, `val`) plus the CSRF token.
// Only the shape is checked here (single string fields); the rules live in the route so that a
// bad value comes back as the page with a message next to the form.
import { CSRF_FIELD } from '../session/csrf.ts'

export interface SessionForm {
  action?: string
  key?: string
  val?: string
  [CSRF_FIELD]?: string
}

export const sessionFormSchema = {
  body: {
    type: 'object',
    properties: {
      action: { type: 'string' },
      key: { type: 'string' },
      val: { type: 'string' },
      [CSRF_FIELD]: { type: 'string' }
    }
  }
} as const

/** End session: the CSRF token only. */
export const endFormSchema = {
  body: {
    type: 'object',
    properties: { [CSRF_FIELD]: { type: 'string' } }
  }
} as const

export const NOTICES = {
  saved: 'Saved.',
  deleted: 'Deleted.',
  unchanged: 'That key already had this value; nothing was written.',
  absent: 'There was no such key, so there was nothing to delete.',
  ended: 'Your session was ended: its record was deleted from memcached and its cookie cleared. A new one is stored when you change something.'
} as const

export type NoticeCode = keyof typeof NOTICES

export const sessionPageSchema = {
  querystring: {
    type: 'object',
    properties: { notice: { type: 'string' } }
  }
} as const
