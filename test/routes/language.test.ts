// The pages' language on a real app: chosen from Accept-Language, the switch remembered in its own
// cookie (never a session), no way out of the site through its `back`, and every chapter in both
// languages.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, startCluster, Visitor } from '../helper.ts'

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
  const long = await app.inject({ url: `/language?to=en&back=/${'a'.repeat(5000)}` })
  assert.equal(long.statusCode, 303)
  assert.equal(long.headers.location, '/start')
  const none = await app.inject({ url: '/language?to=en' })
  assert.equal(none.headers.location, '/start')
})

/**
 * The page's visible text outside code, transcripts and the header's switch: where English must not
 * be left in a Chinese page. (Code, commands, protocol lines and Python's answers stay as they are.)
 */
function prose (html: string): string {
  return text(html
    .replace(/<(pre|code|script|style|title|datalist|svg)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<a class="lang-switch"[\s\S]*?<\/a>/, ' '))
}

/** Three English words in a row: a sentence or a label left untranslated. */
const ENGLISH_RUN = /\b[A-Za-z]{2,}(?:[ ,.'-]+[A-Za-z]{2,}){2,}\b/g
/** Names and terms Chinese technical writing keeps in Latin letters, three in a row or more. */
const KEPT = [/get and touch/, /Tornado \+ python-memcached/, /HTTP \d+/, /Escape character/]

function englishLeft (html: string): string[] {
  return [...prose(html).matchAll(ENGLISH_RUN)].map((m) => m[0]).filter((run) => !KEPT.some((k) => k.test(run)))
}

test('every chapter and state in Chinese: headings in Chinese, no English prose left', async (t) => {
  const sessions = await startCluster(t)
  const playground = await startCluster(t)
  const app = await buildTestApp(t, sessions, { PLAYGROUND_MEMCACHED_SERVERS: playground.serversSetting })
  const visitor = new Visitor(app)
  const get = async (url: string) => visitor.get(url, ZH)
  const pages: Array<[string, string, string[]]> = [
    ['/start', '1. 启动 memcached', ['安装', '教程里的启动命令', '本站正在运行的节点', '检查']],
    ['/start?check=1', '1. 启动 memcached', ['检查']],
    ['/memcache', '2. 客户端 API', ['你的控制台', 'set', '过期', '两个客户端，一次 CAS'].slice(0, 3)],
    ['/cas', '3. 两个客户端：gets 与 cas', ['手动操作 conn1 和 conn2', '两个客户端，一次 CAS']],
    ['/cluster', '4. 多个带权重的节点', ['会话集群：节点', '练习场的节点池：节点', '这个键在哪个节点上？']],
    ['/cluster?key=pg%3Agreeting', '4. 多个带权重的节点', ['这个键在哪个节点上？']],
    ['/cluster?key=', '4. 多个带权重的节点', ['这个键在哪个节点上？']],
    ['/', '你的会话', ['修改', '会话数据', '这次访问向 memcached 发了什么', '结束会话']]
  ]
  for (const [url, heading, h2s] of pages) {
    const response = await get(url)
    assert.ok(response.statusCode < 500, `${url}: ${response.statusCode}`)
    assert.match(response.body, /<html lang="zh-Hans">/, url)
    assert.equal(h1(response.body), heading, url)
    const headings = [...response.body.matchAll(/<h2[^>]*>([\s\S]*?)<\/h2>/g)].map((m) => text(m[1]!).trim())
    for (const h2 of h2s) assert.ok(headings.includes(h2), `${url}: no heading ${h2} in ${JSON.stringify(headings)}`)
    assert.deepEqual(englishLeft(response.body), [], url)
  }

  // A session with data, a refused change, a run in the console: still Chinese.
  await visitor.set('name', 'Ada')
  // The change's CAS before and after (the 303 carries them), in Chinese.
  const change = await app.inject({ method: 'POST', url: '/', headers: { ...ZH, cookie: `uc=${visitor.cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${visitor.csrf}&action=set&key=city&val=Hangzhou` })
  assert.equal(change.statusCode, 303)
  const afterChange = await get(change.headers.location as string)
  assert.match(afterChange.body, /你的修改在每份副本上都是一次比较并交换（CAS）/)
  assert.deepEqual(englishLeft(afterChange.body), [], 'the session page after a change')
  const withData = await get('/?notice=saved')
  assert.match(withData.body, /<p class="success" role="status">已保存。<\/p>/)
  assert.deepEqual(englishLeft(withData.body), [], 'the session page with data')
  const refused = await app.inject({ method: 'POST', url: '/', headers: { ...ZH, cookie: `uc=${visitor.cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${visitor.csrf}&action=set&key=&val=x` })
  assert.equal(refused.statusCode, 400)
  assert.match(refused.body, /<p class="error" role="alert" id="form-error">键不能为空。<\/p>/)
  const forged = await app.inject({ method: 'POST', url: '/', headers: { ...ZH, cookie: `uc=${visitor.cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=set&key=a&val=b' })
  assert.equal(forged.statusCode, 403)
  assert.match(forged.body, /CSRF 检查未通过/)
  assert.deepEqual(englishLeft(forged.body), [], 'a refused form')

  // The session package's refusal, and the playground's checks, in the page's language.
  const longKey = await app.inject({ method: 'POST', url: '/', headers: { ...ZH, cookie: `uc=${visitor.cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${visitor.csrf}&action=set&key=${'k'.repeat(300)}&val=x` })
  assert.equal(longKey.statusCode, 413)
  assert.match(longKey.body, /id="form-error">这个键长 300 个字符；上限是 250。<\/p>/)
  const noKey = await app.inject({ method: 'POST', url: '/memcache', headers: { ...ZH, cookie: `uc=${visitor.cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${visitor.csrf}&op=get&key=` })
  assert.equal(noKey.statusCode, 303)
  const playgroundPage = await get('/memcache')
  assert.match(playgroundPage.body, /<p class="error" role="alert" id="get-error">请输入一个键。<\/p>/)
  assert.deepEqual(englishLeft(playgroundPage.body), [], 'the playground with a refused run')
  const badLine = await app.inject({ method: 'POST', url: '/memcache', headers: { ...ZH, cookie: `uc=${visitor.cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${visitor.csrf}&line=` })
  assert.equal(badLine.statusCode, 303)
  assert.match((await get('/memcache')).body, /id="console-error">请输入一个调用，例如 conn\.set\(&#39;k&#39;, &#39;v&#39;, 1\)。<\/p>/)
  // Python's own error lines stay as Python prints them.
  await app.inject({ method: 'POST', url: '/memcache', headers: { ...ZH, cookie: `uc=${visitor.cookie}`, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${visitor.csrf}&line=${encodeURIComponent('conn.get(')}` })
  assert.match((await get('/memcache')).body, /id="console-error">SyntaxError: /)

  const notFound = await get('/nothing')
  assert.equal(notFound.statusCode, 404)
  assert.equal(h1(notFound.body), '找不到页面')
  assert.deepEqual(englishLeft(notFound.body), [], 'the 404 page')
  const crossSite = await app.inject({ method: 'POST', url: '/', headers: { ...ZH, 'sec-fetch-site': 'cross-site', 'content-type': 'application/x-www-form-urlencoded' }, payload: 'action=set&key=a&val=b' })
  assert.equal(crossSite.statusCode, 403)
  assert.match(crossSite.body, /这个请求来自其他网站/)
})

test('the same pages in English have no Chinese in them, but the switch', async (t) => {
  const app = await buildTestApp(t, await startCluster(t))
  for (const url of ['/start', '/memcache', '/cas', '/cluster', '/', '/no-such-page']) {
    const body = (await app.inject({ url })).body
    const outside = body.replace(/<a class="lang-switch"[\s\S]*?<\/a>/, '')
    assert.doesNotMatch(outside, /[\u4e00-\u9fff]/, url)
    assert.ok(englishLeft(body).length > 3, `${url}: the check for English left finds the English pages' prose`)
  }
})
