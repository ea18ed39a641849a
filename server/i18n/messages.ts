// Every page's words, in each language: one table per language, built once at start. The English
// table's shape is the key set: the Chinese one is typed as its English twin, so a missing or
// misnamed string fails the type check; test/i18n/messages.test.ts checks what is keyed by data
// (every card, flag and notice) and that no Chinese string is left in English.
import { en } from './en/index.ts'
import { zh } from './zh/index.ts'
import type { Language } from './language.ts'

export type Messages = typeof en

export const MESSAGES: Record<Language, Messages> = { en, zh }
