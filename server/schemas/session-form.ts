// The session form: the original's fields (`action` = set|del, `key`, `val`) plus the CSRF token.
// Only the shape is checked here (single string fields); the rules live in the route so that a
// bad value comes back as the page with a message next to the form.
import { Type, type Static } from 'typebox'
import { CSRF_FIELD } from '@memcache-session/fastify'

export const sessionForm = Type.Object({
  action: Type.Optional(Type.String()),
  key: Type.Optional(Type.String()),
  val: Type.Optional(Type.String()),
  [CSRF_FIELD]: Type.Optional(Type.String())
})

export type SessionForm = Static<typeof sessionForm>

export const sessionFormSchema = { body: sessionForm }

/** End session: the CSRF token only. */
export const endForm = Type.Object({ [CSRF_FIELD]: Type.Optional(Type.String()) })

export const endFormSchema = { body: endForm }

/** The notices a change redirects with (`/?notice=saved`); their words are each language's (server/i18n/en/session.ts and zh/session.ts). */
export const NOTICES = { saved: true, deleted: true, unchanged: true, absent: true, ended: true } as const

export type NoticeCode = keyof typeof NOTICES

export const sessionPageQuery = Type.Object({
  notice: Type.Optional(Type.String()),
  /** Which page of the session's keys (server/session-view.ts); anything but a page number shows the first. */
  page: Type.Optional(Type.String()),
  /** A change's CAS before and after, signed (server/session-cas-change.ts); anything else shows nothing. */
  cas: Type.Optional(Type.String())
})

export const sessionPageSchema = { querystring: sessionPageQuery }

/** GET /value?key=…: one value of the session, whole. */
export const sessionValueSchema = { querystring: Type.Object({ key: Type.String({ maxLength: 4096 }) }) }
