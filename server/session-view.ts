// What one view of the session page shows, whatever the session holds. A session filled to its
// limits (1,000 keys, ~500 KiB of `<`) once rendered 3.9 MB of escaped HTML per `GET /`, and eight
// connections replaying that one cookie took everyone else from 7,716 req/s to 3 (issue 21). A
// page now renders at most PAGE_KEYS rows, each key and value cut to a preview, and the stored
// JSON cut too; the rest stays reachable: the other keys page by page (`/?page=2`), each value in
// full on its own (`/value?key=…`, plain text: nothing to escape).
//
// The limits come from what the page is for: the tutorial's sessions hold a handful of short
// keys (name, email, a note), which must show whole, on one screen, with their JSON.
//   PAGE_KEYS 50:              a tutorial session fits one page many times over; 1,000 keys are 20 pages.
//   VALUE_PREVIEW_CHARS 200:   a sentence or a URL shows whole; a 16 KiB value shows its start.
//   KEY_PREVIEW_CHARS 250:     the session's own key limit (maxKeyLength): our keys show whole;
//                              only a record written by another app can hold a longer one.
//   STORED_PREVIEW_CHARS 2000: the JSON of such a session shows whole.
// Worst case, every character escaped to 5 (`"` → `&#34;`): 50 × 450 × 5 + 2,000 × 5 ≈ 120 KB.

export const PAGE_KEYS = 50
export const VALUE_PREVIEW_CHARS = 200
export const KEY_PREVIEW_CHARS = 250
export const STORED_PREVIEW_CHARS = 2000

/** A text cut to a preview: what shows, and how many characters did not. */
export interface Preview { text: string, more: number }

export interface SessionRow {
  key: Preview
  value: Preview
  /** Where the whole value is, when the preview cut it (or the key). */
  href: string | null
}

export interface Paging {
  /** 1-based; a page past the end shows the last one. */
  page: number
  pages: number
  /** Keys in the session, and the 1-based positions of this page's first and last. */
  total: number
  first: number
  last: number
}

/** The start of the record as stored (its JSON text), and whether that is all of it. */
export interface StoredPreview { text: string, cut: boolean }

export interface SessionView { rows: SessionRow[], paging: Paging, stored: StoredPreview }

export function preview (text: string, limit: number): Preview {
  if (text.length <= limit) return { text, more: 0 }
  // Never split a surrogate pair: the half would render as a replacement character.
  const end = isHighSurrogate(text.charCodeAt(limit - 1)) ? limit - 1 : limit
  return { text: text.slice(0, end), more: text.length - end }
}

/** How a stored value reads on the page: strings as they are, anything else (from another app) as JSON. */
export function valueText (value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value)
}

/** The page-th page of `entries` (in the session's order), and the stored JSON's preview. */
export function sessionView (entries: ReadonlyArray<readonly [string, unknown]>, requestedPage: number): SessionView {
  const total = entries.length
  const pages = Math.max(1, Math.ceil(total / PAGE_KEYS))
  const page = Math.min(Math.max(1, Math.floor(requestedPage) || 1), pages)
  const start = (page - 1) * PAGE_KEYS
  const rows = entries.slice(start, start + PAGE_KEYS).map(([key, value]): SessionRow => {
    const keyPreview = preview(key, KEY_PREVIEW_CHARS)
    const valuePreview = preview(valueText(value), VALUE_PREVIEW_CHARS)
    const cut = keyPreview.more > 0 || valuePreview.more > 0
    return { key: keyPreview, value: valuePreview, href: cut ? `/value?key=${encodeURIComponent(key)}` : null }
  })
  return {
    rows,
    paging: { page, pages, total, first: total === 0 ? 0 : start + 1, last: start + rows.length },
    stored: storedPreview(entries, STORED_PREVIEW_CHARS)
  }
}

/**
 * The first `limit` characters of the record's JSON, as `JSON.stringify(Object.fromEntries(...))`
 * writes it (record.ts), built one entry at a time and only as far as it shows: stringifying a
 * 500 KiB session whole cost more than the rest of its page view.
 */
export function storedPreview (entries: ReadonlyArray<readonly [string, unknown]>, limit: number): StoredPreview {
  let text = '{'
  for (const [key, value] of jsonOrder(entries)) {
    text += `${text.length > 1 ? ',' : ''}${JSON.stringify(key)}:${JSON.stringify(value)}`
    if (text.length > limit) return { text: preview(text, limit).text, cut: true }
  }
  text += '}'
  return text.length > limit ? { text: preview(text, limit).text, cut: true } : { text, cut: false }
}

/** An object's keys in JSON.stringify's order: array-index keys ascending, then the others as inserted. */
function jsonOrder<T extends readonly [string, unknown]> (entries: ReadonlyArray<T>): T[] {
  const indexes = entries.filter(([key]) => isArrayIndex(key))
  if (indexes.length === 0) return entries as T[]
  return [...indexes.sort((a, b) => Number(a[0]) - Number(b[0])), ...entries.filter(([key]) => !isArrayIndex(key))]
}

function isArrayIndex (key: string): boolean {
  return /^(?:0|[1-9]\d{0,9})$/.test(key) && Number(key) < 2 ** 32 - 1
}

function isHighSurrogate (code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}
