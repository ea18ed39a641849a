// The pages' language on a real app: chosen from Accept-Language, the switch remembered in its own
// cookie (never a session), no way out of the site through its `back`, and every chapter in both
// languages.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, startCluster } from '../helper.ts'

const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' }
const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#39;/g, "'").replace(/&#34;/g, '"').replace(/&amp;/g, '&')
const h1 = (html: string) => text(/<h1>(.*?)<\/h1>/s.exec(html)?.[1] ?? '')

test('Accept-Language picks the language, English by default; <html lang> and Vary say so', async (t) => {
  const app = await buildTestApp(t, await startCluster(t))
  const english = await app.inject({ url: '/start' })
  assert.match(english.body, /<html lang="en">/)
  assert.equal(h1(english.body), '1. Start memcached')
  assert.match(english.headers.vary as string, /Accept-Language, Cookie/)
  const chinese = await app.inject({ url: '/start', headers: ZH })
  assert.match(chinese.body, /<html lang="zh-Hans">/)
  assert.equal(h1(chinese.body), '1. 启动 memcached')
  assert.match(chinese.body, /<title>启动 memcached · memcache-session<\/title>/)
  // The switch, to the other language, back to this page.
  assert.match(english.body, /<a class="lang-switch" href="\/language\?to=zh&amp;back=%2Fstart" hreflang="zh-Hans" lang="zh-Hans"[^>]*>中文<\/a>/)
  assert.match(chinese.body, /<a class="lang-switch" href="\/language\?to=en&amp;back=%2Fstart" hreflang="en" lang="en"[^>]*>English<\/a>/)
  // Commands stay as they are.
  assert.ok(text(chinese.body).includes('memcached -d -m 10 -u root -l 0.0.0.0 -p 11211 -c 256 -P /tmp/memcached.pid'))
  // A junk header is English, not an error.
  for (const junk of [';;;', 'zh;q=nope', '*;q=0', 'x'.repeat(4000)]) {
    const response = await app.inject({ url: '/start', headers: { 'accept-language': junk } })
    assert.equal(response.statusCode, 200, junk.slice(0, 20))
    assert.match(response.body, /<html lang="en">/)
  }
})

test('the switch sets the lang cookie (no session) and answers 303 back to the page; the cookie beats the header', async (t) => {
  const app = await buildTestApp(t, await startCluster(t))
  const response = await app.inject({ url: '/language?to=zh&back=%2Fcluster%3Fkey%3Dpg%253Aa' })
  assert.equal(response.statusCode, 303)
  assert.equal(response.headers.location, '/cluster?key=pg%3Aa')
  const cookies = response.cookies
  assert.deepEqual(cookies.map((c) => c.name), ['lang'], 'no session cookie: the switch opens none')
  assert.equal(cookies[0]!.value, 'zh')
  assert.equal(cookies[0]!.path, '/')
  assert.equal(cookies[0]!.httpOnly, true)
  assert.equal(cookies[0]!.sameSite, 'Lax')
  assert.ok(cookies[0]!.maxAge! >= 30 * 24 * 3600)
  // Remembered: the cookie wins over the browser's header, either way.
  const zh = await app.inject({ url: '/start', headers: { cookie: 'lang=zh', 'accept-language': 'en-US' } })
  assert.match(zh.body, /<html lang="zh-Hans">/)
  const en = await app.inject({ url: '/start', headers: { cookie: 'lang=en', ...ZH } })
  assert.match(en.body, /<html lang="en">/)
  // Nothing but a language of ours.
  assert.equal((await app.inject({ url: '/language?to=fr&back=/' })).statusCode, 400)
  assert.equal((await app.inject({ url: '/language?back=/' })).statusCode, 400)
})

test('the switch goes back to a path of this site only: never another origin', async (t) => {
  const app = await buildTestApp(t, await startCluster(t))
  for (const back of ['//evil.example', '/\\evil.example', 'https://evil.example/', '/\t/evil.example', '/\n/x', 'evil', '']) {
    const response = await app.inject({ url: `/language?to=en&back=${encodeURIComponent(back)}` })
    assert.equal(response.statusCode, 303, back)
    assert.equal(response.headers.location, '/start', back)
  }
  const none = await app.inject({ url: '/language?to=en' })
  assert.equal(none.headers.location, '/start')
})
