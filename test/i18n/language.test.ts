// Which language a page is in: the `lang` cookie, else Accept-Language (parsed as any client may
// send it), else English; and where the switch may send a visitor back to.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chooseLanguage, fromAcceptLanguage, safeBackPath } from '../../server/i18n/language.ts'

test('Accept-Language: the highest q among the languages served, the first of equals', () => {
  assert.equal(fromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8'), 'zh')
  assert.equal(fromAcceptLanguage('en-US,en;q=0.9,zh-CN;q=0.8'), 'en')
  assert.equal(fromAcceptLanguage('en;q=0.5, zh;q=0.7'), 'zh')
  assert.equal(fromAcceptLanguage('zh;q=0.5, en;q=0.5'), 'zh')
  assert.equal(fromAcceptLanguage('fr-FR, fr;q=0.9, zh-Hant-TW;q=0.4'), 'zh') // the only one served
  assert.equal(fromAcceptLanguage('ZH-cn'), 'zh') // tags are case-insensitive
  assert.equal(fromAcceptLanguage('fr, de;q=0.5'), null)
  assert.equal(fromAcceptLanguage('*'), 'en')
  assert.equal(fromAcceptLanguage('fr, *;q=0.1, zh;q=0.2'), 'zh')
})

test('Accept-Language: q=0 refuses, a malformed entry is skipped, nothing throws', () => {
  assert.equal(fromAcceptLanguage('zh;q=0, en;q=0.1'), 'en')
  assert.equal(fromAcceptLanguage('zh;q=0'), null)
  assert.equal(fromAcceptLanguage('zh;q=2, en;q=0.3'), 'en') // q above 1
  assert.equal(fromAcceptLanguage('zh;q=abc'), null)
  assert.equal(fromAcceptLanguage('zh;q=0.1234'), null) // at most three decimals
  assert.equal(fromAcceptLanguage('zh;level=1;q=0.9'), 'zh') // another parameter is ignored
  assert.equal(fromAcceptLanguage('zhx, z h, zh_CN, -zh, zh-'), null)
  for (const junk of ['', ',', ';', ';;;,,,', 'q=1', ';q=1', '\u0000zh', 'zh\u00e9', 'x'.repeat(100_000), 'zh;q=' + '9'.repeat(400), ',zh'.repeat(10_000), '中文', 'zh;q=0.9;q=0.1']) {
    assert.doesNotThrow(() => fromAcceptLanguage(junk), JSON.stringify(junk.slice(0, 30)))
  }
})

test('chooseLanguage: the cookie wins, else the header, else English', () => {
  assert.equal(chooseLanguage(undefined, undefined), 'en')
  assert.equal(chooseLanguage(undefined, ''), 'en')
  assert.equal(chooseLanguage(undefined, 'zh-CN'), 'zh')
  assert.equal(chooseLanguage('en', 'zh-CN'), 'en')
  assert.equal(chooseLanguage('zh', 'en-US'), 'zh')
  assert.equal(chooseLanguage('fr', 'zh'), 'zh') // a cookie of no language served is ignored
  assert.equal(chooseLanguage('zh; evil', undefined), 'en')
  assert.equal(chooseLanguage(undefined, ['fr', 'zh;q=0.5']), 'zh') // a repeated header, as Node may join it
  // The same header twice: the same answer (the second from the memo).
  assert.equal(chooseLanguage(undefined, 'de, zh;q=0.3'), 'zh')
  assert.equal(chooseLanguage(undefined, 'de, zh;q=0.3'), 'zh')
})

test('safeBackPath: a path of this site, never another origin', () => {
  assert.equal(safeBackPath('/cluster?key=pg%3Aa', '/start'), '/cluster?key=pg%3Aa')
  assert.equal(safeBackPath('/', '/start'), '/')
  for (const bad of [undefined, '', 'cluster', '//evil.example', '//evil.example/x', '/\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/\t/evil.example', '/\n/x', '/a\\b', '/' + 'a'.repeat(3000)]) {
    assert.equal(safeBackPath(bad, '/start'), '/start', JSON.stringify(bad))
  }
})
