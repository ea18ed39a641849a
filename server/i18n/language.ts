// Which language a page is in: English (the default) or Simplified Chinese, the tutorial's own.
// An explicit choice wins (the `lang` cookie, set by the switch in the header, GET /language);
// else the browser's Accept-Language; else English. The cookie is a preference, not a session:
// it is never signed, carries no id, and reading or setting it opens no session.
//
// Accept-Language is whatever a client sends (RFC 9110 §12.5.4: `zh-CN,zh;q=0.9,en;q=0.8`). The
// parser takes the highest q of a language we serve, the first of equals; a malformed entry (a bad
// q, a tag of odd characters) is skipped, never thrown on; `*` means "anything", which is English.
// Any zh (zh-CN, zh-TW, zh-Hant...) gets the Simplified pages: the tutorial is written in them, and
// there is no Traditional translation to prefer.

export const LANGUAGES = ['en', 'zh'] as const
export type Language = typeof LANGUAGES[number]
export const DEFAULT_LANGUAGE: Language = 'en'

/** The `<html lang>` of each (BCP 47): the Chinese pages are Simplified. */
export const HTML_LANG: Record<Language, string> = { en: 'en', zh: 'zh-Hans' }

/** The cookie that remembers an explicit choice. Not the session cookie (`uc`). */
export const LANGUAGE_COOKIE = 'lang'

/** Most entries read from one header: a longer list is no browser's, and the rest cannot matter much. */
const MAX_ENTRIES = 20
const TAG = /^([a-z]{1,8})(?:-[a-z0-9]{1,8})*$/
const QUALITY = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/

export function isLanguage (value: unknown): value is Language {
  return value === 'en' || value === 'zh'
}

/** The language an Accept-Language header prefers among ours, or null when it names none of them. */
export function fromAcceptLanguage (header: string): Language | null {
  let best: Language | null = null
  let bestQ = 0
  const entries = header.split(',', MAX_ENTRIES)
  for (const entry of entries) {
    const [rawTag, ...params] = entry.split(';')
    const tag = rawTag!.trim().toLowerCase()
    let q = 1
    let malformed = false
    for (const param of params) {
      const m = QUALITY.exec(param.trim().toLowerCase())
      if (m) q = Number(m[1])
      else if (/^q=/i.test(param.trim())) malformed = true
    }
    if (malformed || q <= 0 || q <= bestQ) continue
    const language = tag === '*' ? DEFAULT_LANGUAGE : languageOfTag(tag)
    if (language !== null) {
      best = language
      bestQ = q
    }
  }
  return best
}

function languageOfTag (tag: string): Language | null {
  const m = TAG.exec(tag)
  if (!m) return null
  const primary = m[1]
  return isLanguage(primary) ? primary : null
}

// Browsers send one of a few dozen headers, the same on every request: each is parsed once. The
// table is bounded (a client inventing headers fills it, then is parsed every time, which is cheap),
// and so are its keys (a browser's header is a few dozen bytes).
const MEMO_LIMIT = 512
const MEMO_KEY_CHARS = 200
const memo = new Map<string, Language>()

/** The page's language from the `lang` cookie and the Accept-Language header (either may be absent or junk). */
export function chooseLanguage (cookie: string | undefined, acceptLanguage: string | string[] | undefined): Language {
  if (isLanguage(cookie)) return cookie
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage
  if (header === undefined || header === '') return DEFAULT_LANGUAGE
  let language = memo.get(header)
  if (language === undefined) {
    language = fromAcceptLanguage(header) ?? DEFAULT_LANGUAGE
    if (memo.size < MEMO_LIMIT && header.length <= MEMO_KEY_CHARS) memo.set(header, language)
  }
  return language
}

/** The longest page address the switch goes back to (a longer one: the first chapter). */
export const MAX_BACK_PATH = 2048

/**
 * Where the switch sends the visitor back to: a path of this site only (`/cluster?key=a#lookup`),
 * never another origin (`//evil.example`, `/\evil.example`, `https://…`), else the first chapter.
 */
export function safeBackPath (back: string | undefined, fallback: string): string {
  if (back === undefined || back.length > MAX_BACK_PATH) return fallback
  if (!back.startsWith('/') || back.startsWith('//') || back.startsWith('/\\')) return fallback
  // Control characters and backslashes: a browser may read `/\t/evil` as `//evil`.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(back)) return fallback
  return back
}
