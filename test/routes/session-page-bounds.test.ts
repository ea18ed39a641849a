// Issue 21, finding 1: a session filled to its limits (1,000 keys, ~500 KiB of `<`, under the
// limits then) rendered 3.9 MB of escaped HTML per page view, and replaying that one cookie stalled
// every visitor. A page now renders a bounded slice (server/session-view.ts), and the rest stays
// reachable: the other keys page by page, each cut value whole from its link; and the limits are
// now 64 KiB a session (packages/fastify/src/limits.ts: what every view reads and parses).
// `npm run bench:big-session` measures the other visitors' req/s and p99 during such a replay.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, sessionRows, startCluster, Visitor } from '../helper.ts'
import { PAGE_KEYS, preview, STORED_PREVIEW_CHARS, storedPreview, VALUE_PREVIEW_CHARS } from '../../server/session-view.ts'
import { DEFAULT_LIMITS, encodeRecord } from '@memcache-session/fastify'

const BIG = '<'.repeat(7000)
const SMALL = 993

test('a session filled to its limits: every page is bounded, and every key and value is still reachable', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  // 1,000 keys and 61 KiB of JSON, most of it `<` (which escapes to four times its size): the small
  // keys first and the seven large values last, so that filling it stays cheap (each write stores the whole record).
  const expected: Record<string, string> = {}
  for (let i = 0; i < SMALL; i++) expected[`k${i}`] = `v${i}`
  for (let i = 0; i < DEFAULT_LIMITS.maxKeys - SMALL; i++) expected[`big${i}`] = BIG
  for (const [key, val] of Object.entries(expected)) await visitor.set(key, val)
  const json = JSON.stringify(expected)
  assert.ok(json.length > DEFAULT_LIMITS.maxSessionBytes * 0.95 && json.length <= DEFAULT_LIMITS.maxSessionBytes, 'filled to within 5% of the limit')
  const escapedWhole = 2 * json.length * 4
  t.diagnostic(`session of ${DEFAULT_LIMITS.maxKeys} keys, ${json.length} bytes of JSON: the whole table and JSON would escape to over ${escapedWhole} bytes`)

  const first = await visitor.get()
  const last = await visitor.get('/?page=20')
  for (const page of [first, last]) {
    const bytes = Buffer.byteLength(page.body)
    t.diagnostic(`page: ${bytes} bytes`)
    // The bound the view's limits give (server/session-view.ts: ≈120 KB at worst), plus the layout.
    assert.ok(bytes < 150_000, `${bytes} bytes`)
  }
  const rows = sessionRows(first.body)
  assert.deepEqual(rows.map((r) => r.key), Array.from({ length: PAGE_KEYS }, (_, i) => `k${i}`))
  assert.match(first.body, /Keys 1–50 of 1,000\./)
  assert.match(first.body, /Page 1 of 20/)
  assert.match(first.body, /The first 2,000 characters of the record \(1,000 keys\)/)
  const shown = /<dt>Value<\/dt><dd><pre>([\s\S]*?)<\/pre>/.exec(first.body)![1]!
  assert.equal(shown.replaceAll('&lt;', '<').replaceAll('&#34;', '"'), json.slice(0, STORED_PREVIEW_CHARS) + '…')

  // The last page: the big values cut to a preview, each linked to its whole, as plain text.
  const lastRows = sessionRows(last.body)
  assert.deepEqual(lastRows.map((r) => r.key), Object.keys(expected).slice(950))
  const big = lastRows.find((r) => r.key === 'big0')!
  assert.equal(big.value, BIG.slice(0, VALUE_PREVIEW_CHARS))
  assert.match(last.body, /… 6,800 more characters: the whole value/)
  const whole = await visitor.get(big.href!)
  assert.equal(whole.statusCode, 200)
  assert.equal(whole.body, BIG)
  assert.equal(whole.headers['content-type'], 'text/plain; charset=utf-8')
  assert.equal(whole.headers['x-content-type-options'], 'nosniff')
  assert.equal((await visitor.get('/value?key=absent')).statusCode, 404)
  assert.match(last.body, /rel="prev"/)
  assert.doesNotMatch(last.body, /rel="next"/)
  // A page past the end shows the last; anything but a page number, the first.
  assert.deepEqual(sessionRows((await visitor.get('/?page=99')).body), lastRows)
  assert.deepEqual(sessionRows((await visitor.get('/?page=abc')).body), rows)

  // Everything is reachable: all 1,000 keys, each value whole.
  assert.deepEqual({ ...await visitor.data() }, expected)
})

test('a small session shows whole: no paging, no cut values, its JSON whole', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  await visitor.set('name', 'Ada')
  await visitor.set('note', 'x'.repeat(VALUE_PREVIEW_CHARS))
  const page = await visitor.get()
  assert.deepEqual(sessionRows(page.body), [
    { key: 'name', value: 'Ada', href: null },
    { key: 'note', value: 'x'.repeat(VALUE_PREVIEW_CHARS), href: null }
  ])
  assert.doesNotMatch(page.body, /class="paging"|Keys 1–/)
  assert.match(page.body, /<pre>\{&#34;name&#34;:&#34;Ada&#34;,&#34;note&#34;:&#34;x+&#34;\}<\/pre><\/dd>/)
})

test('a preview never splits a surrogate pair', () => {
  assert.deepEqual(preview('ab😀c', 3), { text: 'ab', more: 3 })
  assert.deepEqual(preview('ab😀c', 4), { text: 'ab😀', more: 1 })
  assert.deepEqual(preview('abc', 3), { text: 'abc', more: 0 })
})

test('the stored preview is the record\'s JSON as stored, array-index keys first, cut only past the limit', () => {
  const data = new Map<string, unknown>([['b', 'x'], ['10', 1], ['a', { n: [1, 2] }], ['2', '"<'], ['01', null], ['4294967295', true]])
  const whole = encodeRecord(data as Map<string, string>)
  assert.deepEqual(storedPreview([...data], 1000), { text: whole, cut: false })
  for (let limit = 1; limit < whole.length; limit++) assert.deepEqual(storedPreview([...data], limit), { text: whole.slice(0, limit), cut: true })
  assert.deepEqual(storedPreview([], 10), { text: '{}', cut: false })
})
