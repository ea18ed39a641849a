// The message tables: the type check proves the Chinese one has every key of the English one; this
// proves what the type cannot: every string (and every message function's answer) is written in
// Chinese, not left in English, and the tables keyed by data cover every item of it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MESSAGES } from '../../server/i18n/messages.ts'
import { Html } from '../../server/i18n/html.ts'
import { OTHER_FLAGS, TUTORIAL_FLAGS } from '../../server/start/command-line.ts'

/** Chinese characters or full-width punctuation. */
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/
/** Where the Chinese table rightly says what the English one does, or no Chinese at all. */
const SAME_OR_LATIN = new Set(['switchTo.language', 'switchTo.label', 'switchTo.title', 'chapters./cas.nav'])

function leaves (value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (typeof value === 'string') out.set(path, value)
  else if (value instanceof Html) out.set(path, value.text)
  else if (typeof value === 'function') leaves(value(...Array.from({ length: value.length }, () => 1)), path, out)
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}.${i}`, out))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out)
  return out
}

test('every Chinese message is in Chinese, and differs from its English twin', () => {
  const en = leaves(MESSAGES.en, '', new Map())
  const zh = leaves(MESSAGES.zh, '', new Map())
  assert.deepEqual([...zh.keys()].sort(), [...en.keys()].sort())
  const untranslated = [...zh].filter(([path, text]) => !SAME_OR_LATIN.has(path) && (!CJK.test(text) || text === en.get(path))).map(([path, text]) => `${path}: ${text}`)
  assert.deepEqual(untranslated, [])
})

test('the tables keyed by data cover it all: the start line\'s flags', () => {
  for (const language of ['en', 'zh'] as const) {
    assert.deepEqual(Object.keys(MESSAGES[language].flags).sort(), TUTORIAL_FLAGS.map((f) => f.flag).sort(), language)
    assert.deepEqual(Object.keys(MESSAGES[language].otherFlags).sort(), Object.keys(OTHER_FLAGS).sort(), language)
  }
})
