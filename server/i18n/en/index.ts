// The English table: the default, and the key set of every other language.
import { common, start } from './common.ts'
import { flags, otherFlags } from './flags.ts'

export const en = { ...common, start, flags, otherFlags }
