// GET /language: the language to switch to, and the page to go back to.
import { Type } from 'typebox'

export const languageQuerySchema = {
  querystring: Type.Object({
    to: Type.Union([Type.Literal('en'), Type.Literal('zh')]),
    back: Type.Optional(Type.String()) // any: server/i18n/language.ts's safeBackPath decides
  })
}
