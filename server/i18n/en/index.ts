// The English table: the default, and the key set of every other language.
import { common, start } from './common.ts'
import { flags, otherFlags } from './flags.ts'
import { session, story } from './session.ts'
import { errors } from './errors.ts'
import { cluster } from './cluster.ts'
import { cards, cas, fields, playground } from './playground.ts'
import { inputErrors } from './input-errors.ts'

export const en = { ...common, start, flags, otherFlags, session, story, errors, cluster, playground, cas, cards, fields, inputErrors }
