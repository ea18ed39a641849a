// The session page's CAS before and after a change (server/session-cas-change.ts): the page a
// change redirects to shows each copy's CAS token before the compare-and-swap and after it, the
// "after" being what memcached holds; a plain view shows only the current token. The numbers come
// signed in the redirect: an edited URL, another session's, or one a later write made stale shows
// only the current version.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, startCluster, Visitor } from '../helper.ts'

const changeOf = (body: string) => [...(/<ul class="cas-change">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? '').matchAll(/<li>node (\d+): <span class="cas-before">([^<]*)<\/span> → <span class="cas-after">(\d+)<\/span><\/li>/g)]
  .map(([, node, before, after]) => ({ node: Number(node), before: before!, after: after! }))
const nowOf = (body: string) => [...(/<ul class="cas-now">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? '').matchAll(/<li>node (\d+): <span class="cas-after">(\d+)<\/span><\/li>/g)]
  .map(([, node, cas]) => ({ node: Number(node), cas: cas! }))
const versionOf = (body: string) => /<dt>Version<\/dt><dd>([^(]*) \(/.exec(body)?.[1]

/** Posts a change and follows its redirect, as a browser does: the URL and the page it lands on. */
async function change (visitor: Visitor, fields: Record<string, string>) {
  const posted = await visitor.post(fields)
  assert.equal(posted.statusCode, 303, posted.body.slice(0, 200))
  const location = posted.headers.location as string
  return { location, body: (await visitor.get(location)).body }
}

for (const copies of [1, 2]) {
  test(`${copies === 1 ? 'one copy' : 'two copies'}: after a change the page shows each copy's CAS before and after it, the after as memcached holds it; a plain view only the current`, async (t) => {
    const cluster = await startCluster(t)
    const app = await buildTestApp(t, cluster, { SESSION_REPLICAS: String(copies - 1) })
    const visitor = new Visitor(app)
    const held = async () => {
      const id = visitor.sessionId!
      return Promise.all(app.sessions.copies(id).map(async (node) => ({ node, cas: String((await app.memcache.onNode(node).getItem(id))!.cas.readBigUInt64BE(0)) })))
    }

    // The first change stores the record: nothing was there before.
    const first = await change(visitor, { action: 'set', key: 'name', val: 'Ada' })
    assert.match(first.location, /^\/\?notice=saved&cas=[\w.~-]+$/)
    const stored = await held()
    assert.equal(stored.length, copies)
    assert.deepEqual(changeOf(first.body), stored.map(({ node, cas }) => ({ node, before: 'nothing stored (added)', after: cas })))
    assert.equal(versionOf(first.body), 'none → 1')
    assert.match(first.body, /<details open>\s*<summary>As stored in memcached/)

    // A plain view: the current tokens only, and the version alone.
    const plain = (await visitor.get()).body
    assert.deepEqual(changeOf(plain), [])
    assert.deepEqual(nowOf(plain), stored)
    assert.equal(versionOf(plain), '1')
    assert.match(plain, /<details>\s*<summary>As stored in memcached/)

    // A second change: before is what the plain view showed, after is new and what memcached holds.
    const second = await change(visitor, { action: 'set', key: 'name', val: 'Grace' })
    const now = await held()
    const shown = changeOf(second.body)
    assert.deepEqual(shown, stored.map(({ node, cas }, i) => ({ node, before: cas, after: now[i]!.cas })))
    for (const copy of shown) assert.notEqual(copy.before, copy.after)
    assert.equal(versionOf(second.body), '1 → 2')
    assert.ok(!second.body.includes(visitor.sessionId!) && !second.location.includes(visitor.sessionId!), 'no session id in the page or its URL')

    // A deletion writes too.
    const deleted = await change(visitor, { action: 'del', key: 'name' })
    assert.match(deleted.location, /^\/\?notice=deleted&cas=/)
    assert.deepEqual(changeOf(deleted.body).map((c) => c.before), now.map((c) => c.cas))
    assert.equal(versionOf(deleted.body), '2 → 3')
  })
}

test('a change that writes nothing carries no CAS; an edited, foreign or stale cas parameter shows only the current version', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  const first = await change(visitor, { action: 'set', key: 'k', val: 'v' })
  assert.equal(changeOf(first.body).length, 2)

  assert.equal((await visitor.post({ action: 'set', key: 'k', val: 'v' })).headers.location, '/?notice=unchanged')
  assert.equal((await visitor.post({ action: 'del', key: 'absent' })).headers.location, '/?notice=absent')
  // The unchanged write left the record as it was: the first change's URL still tells the truth.
  assert.equal(changeOf((await visitor.get(first.location)).body).length, 2)

  // One digit changed in the numbers (the last CAS): the signature no longer matches.
  const edited = first.location.replace(/(\d)~/, (_, digit: string) => `${(Number(digit) + 1) % 10}~`)
  assert.notEqual(edited, first.location)
  const editedPage = (await visitor.get(edited)).body
  assert.deepEqual(changeOf(editedPage), [])
  assert.equal(nowOf(editedPage).length, 2)

  // Another session's URL: signed for that session, not this one.
  const other = new Visitor(app)
  await other.set('k', 'v')
  assert.deepEqual(changeOf((await other.get(first.location)).body), [])

  // After a later write the first URL is history: only the current version shows.
  const later = await change(visitor, { action: 'set', key: 'k', val: 'w' })
  const stale = (await visitor.get(first.location)).body
  assert.deepEqual(changeOf(stale), [])
  assert.deepEqual(nowOf(stale).map((c) => c.cas), changeOf(later.body).map((c) => c.after))
  assert.equal(versionOf(stale), '2')

  // Not a number where one belongs, or nothing at all: the page is the plain one, never an error.
  for (const bad of ['x', '1-2.0-1-2~' + 'A'.repeat(22), '-1.0--1~' + 'A'.repeat(22), '%3Cb%3E']) {
    const response = await visitor.get(`/?notice=saved&cas=${bad}`)
    assert.equal(response.statusCode, 200)
    assert.deepEqual(changeOf(response.body), [])
  }
})
