// The message tables: the type check proves the Chinese one has every key of the English one; this
// proves what the type cannot: every string (and every message function's answer) is written in
// Chinese, not left in English (code and names aside), and the tables keyed by data cover every
// item of it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MESSAGES } from '../../server/i18n/messages.ts'
import { Html } from '../../server/i18n/html.ts'
import { OTHER_FLAGS, TUTORIAL_FLAGS } from '../../server/start/command-line.ts'
import { CARDS } from '../../server/playground/cards.ts'

/** Chinese characters or full-width punctuation. */
const CJK = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/
/** Two English words in a row, outside markup: prose. Code (`conn1.set('n', 9)`, `k1 k2`, `get_multi`) has none. */
const ENGLISH_WORDS = /[A-Za-z]{2,}[\s,]+[A-Za-z]{2,}/
/** Where the Chinese table rightly speaks English: the switch back to it. */
const ENGLISH_ON_PURPOSE = new Set(['switchTo.label', 'switchTo.title'])

function leaves (value: unknown, path: string, out: Map<string, string>): Map<string, string> {
  if (typeof value === 'string') out.set(path, value)
  else if (value instanceof Html) out.set(path, value.text)
  else if (typeof value === 'function') leaves(value(...Array.from({ length: value.length }, () => '1')), path, out) // '1' reads as a number, a string and true
  else if (Array.isArray(value)) value.forEach((v, i) => leaves(v, `${path}.${i}`, out))
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, path ? `${path}.${k}` : k, out)
  return out
}

test('every Chinese message is in Chinese, and differs from its English twin', () => {
  const en = leaves(MESSAGES.en, '', new Map())
  const zh = leaves(MESSAGES.zh, '', new Map())
  // The session package's refusals are words of the Chinese table only (English: the package's own).
  const shared = (keys: Iterable<string>) => [...keys].filter((k) => !k.startsWith('session.packageErrors.')).sort()
  assert.deepEqual(shared(zh.keys()), shared(en.keys()))
  const untranslated = [...zh].filter(([path, text]) => !ENGLISH_ON_PURPOSE.has(path) && !CJK.test(text) && ENGLISH_WORDS.test(text.replace(/<[^>]+>/g, ' '))).map(([path, text]) => `${path}: ${text}`)
  assert.deepEqual(untranslated, [])
  // The check finds English: the English table is full of it.
  assert.ok([...en.values()].filter((text) => !CJK.test(text) && ENGLISH_WORDS.test(text)).length > 100)
})

test('the tables keyed by data cover it all: the start line\'s flags', () => {
  for (const language of ['en', 'zh'] as const) {
    assert.deepEqual(Object.keys(MESSAGES[language].flags).sort(), TUTORIAL_FLAGS.map((f) => f.flag).sort(), language)
    assert.deepEqual(Object.keys(MESSAGES[language].otherFlags).sort(), Object.keys(OTHER_FLAGS).sort(), language)
  }
})

test('the tables keyed by data cover it all: every card and its fields, every command the session story names', () => {
  for (const language of ['en', 'zh'] as const) {
    const words = MESSAGES[language]
    assert.deepEqual(Object.keys(words.cards).sort(), CARDS.map((c) => c.op).sort(), language)
    assert.deepEqual(Object.keys(words.fields).sort(), CARDS.flatMap((c) => c.fields.map((f) => `${c.op}.${f.name}`)).sort(), language)
    for (const [name, field] of Object.entries(words.fields)) assert.equal(field.placeholder === undefined, MESSAGES.en.fields[name]!.placeholder === undefined, `${language} ${name}`)
    assert.deepEqual(Object.keys(words.story.meanings).sort(), Object.keys(MESSAGES.en.story.meanings).sort(), language)
    assert.equal(words.story.why.length, 4)
    assert.equal(words.cas.steps.length, MESSAGES.en.cas.steps.length)
  }
})
