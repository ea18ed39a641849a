import { test } from 'node:test'
import assert from 'node:assert/strict'
import { durationFormatter, formatBytes, formatCount, formatDuration } from '../server/format.ts'
import { MESSAGES } from '../server/i18n/messages.ts'
import { buildTestApp, startCluster, Visitor } from './helper.ts'

test('durations in the unit that fits, at most two units, never "0 minutes"', () => {
  assert.equal(formatDuration(0), '0 seconds')
  assert.equal(formatDuration(1), '1 second')
  assert.equal(formatDuration(45), '45 seconds')
  assert.equal(formatDuration(60), '1 minute')
  assert.equal(formatDuration(90), '1 minute 30 seconds')
  assert.equal(formatDuration(1200), '20 minutes')
  assert.equal(formatDuration(3605), '1 hour') // not "1 hour 5 seconds"
  assert.equal(formatDuration(93_784), '1 day 2 hours')
  assert.equal(formatDuration(43_200), '12 hours')
})

test('sizes in binary units', () => {
  assert.equal(formatBytes(512), '512 B')
  assert.equal(formatBytes(12_345), '12.1 KiB')
  assert.equal(formatBytes(32 * 1024 * 1024), '32 MiB')
})

test('the session page gives a short TTL in seconds', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster, { SESSION_TTL_SECONDS: '45' })
  const page = await app.inject({ url: '/' })
  assert.match(page.body, /slides its expiry\s+to 45 seconds from now/)
  assert.match(page.body, /<a href="\/" aria-current="page"><span class="num">5<\/span> Session<\/a>/)
  assert.equal((await app.inject({ url: '/favicon.ico' })).statusCode, 200)
  assert.equal((await app.inject({ url: '/public/favicon.svg' })).statusCode, 200)
})

test('notices are styled for what they mean: a write is a success, nothing to do is information', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  await visitor.set('k', 'v')
  assert.match((await visitor.get('/?notice=saved')).body, /<p class="success" role="status">Saved\.<\/p>/)
  assert.match((await visitor.get('/?notice=absent')).body, /<p class="notice" role="status">There was no such key/)
})

test('formatDuration in another language\'s words (the Chinese pages)', () => {
  const zh = durationFormatter(MESSAGES.zh.units)
  assert.equal(zh(1200), '20 分钟')
  assert.equal(zh(90), '1 分钟 30 秒')
  assert.equal(zh(93784), '1 天 2 小时')
  assert.equal(zh(0), '0 秒')
  assert.equal(durationFormatter(MESSAGES.en.units)(90), formatDuration(90))
})

test('formatCount: separators from a thousand on, the same text below it, a dash for no answer', () => {
  assert.deepEqual([0, 7, 999, 1000, 12_345, -999, -1000, 12.5, 1234.5].map(formatCount), ['0', '7', '999', '1,000', '12,345', '-999', '-1,000', '12.5', '1,234.5'])
  assert.equal(formatCount(null), '–')
})
