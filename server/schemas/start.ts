// /start: `?check=<n>` runs the tutorial's telnet check on the playground's node n.
import { Type, type Static } from 'typebox'

export const startQuery = Type.Object({
  check: Type.Optional(Type.Integer({ minimum: 0, maximum: 999 }))
})

export type StartQuery = Static<typeof startQuery>

export const startQuerySchema = { querystring: startQuery }
