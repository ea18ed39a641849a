// Where a session's two copies are, as the session page and the cluster page's lookup say it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, startCluster, Visitor } from '../helper.ts'

test('the session page names both copies and says which is current; the cluster lookup names both nodes of an id', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const visitor = new Visitor(app)
  const fresh = (await visitor.get()).body
  assert.match(fresh, /nothing yet: the first change stores it/)
  await visitor.set('k', 'v')
  const id = visitor.sessionId!
  const [home, copy] = app.memcache.routeChain(id)
  const page = (await visitor.get()).body
  assert.match(page, new RegExp(`node ${home}</a>, [^<]*: home, where python-memcached puts it; current`))
  assert.match(page, new RegExp(`node ${copy}</a>, [^<]*: second copy, on the next node of its route chain; current`))
  assert.match(page, /<dt>Version<\/dt><dd>1 /)

  // The copy falls behind (as if its node had restarted empty): the next view says so and rewrites it.
  await app.memcache.onNode(copy!).delete(id)
  const behind = (await visitor.get()).body
  assert.match(behind, new RegExp(`node ${copy}</a>, [^<]*; was behind, rewritten from the current copy`))
  assert.match((await visitor.get()).body, new RegExp(`node ${copy}</a>, [^<]*; current`))

  const lookup = (await app.inject({ url: `/cluster.json?key=${id}` })).json()
  assert.deepEqual(lookup.sessionCopies, [home, copy])
  const html = (await app.inject({ url: `/cluster?key=${id}` })).body
  assert.match(html, new RegExp(`kept twice: on <strong>node ${home}</strong> \\(home\\) and on <strong>node ${copy}</strong>`))
})
