// The playground form: every field optional text (each card sends the ones its command needs);
// the command checks the values and answers next to its card.
import { Type, type Static } from 'typebox'
import { CSRF_FIELD } from '@memcache-session/fastify'

const text = () => Type.Optional(Type.String())

export const playgroundForm = Type.Object({
  op: text(),
  /** The card a form belongs to (the console keeps each card's fields). */
  card: text(),
  key: text(),
  val: text(),
  ttl: text(),
  keys: text(),
  pairs: text(),
  delta: text(),
  token: text(),
  /** The console's one input line: a call as the tutorial writes it, conn.set('k', 'v', 1). */
  line: text(),
  [CSRF_FIELD]: text()
})

export type PlaygroundForm = Static<typeof playgroundForm>

export const playgroundFormSchema = { body: playgroundForm }

/** The console's two clean-up buttons: what=console empties the console, what=keys deletes the visitor's keys. */
export const playgroundClearForm = Type.Object({
  what: text(),
  [CSRF_FIELD]: text()
})

export const playgroundClearSchema = { body: playgroundClearForm }
