// Side by side with the Python original: a Tornado app written to the tutorial's description
// (test/fixtures/tornado_app.py) and ours on the same four nodes and the
// same secret, COOKIE_FORMAT=tornado. A session started on either is usable on the other.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { buildTestApp, csrfToken, eventually, makeClient, pageError, sessionTable, startCluster } from '../helper.ts'
import { freePort, waitForPort } from '../../tools/ports.ts'
import { startTornadoApp } from '../fixtures/tornado-app.ts'
import { APP_START_MS } from '../support/app-process.ts'

const SECRET = 'shared-secret-for-both-apps-0123456789abcdef'

/** The session id inside a Tornado-signed cookie value (its base64 field). */
function idIn (cookie: string): string {
  return Buffer.from(/\|44:([^|]+)\|/.exec(cookie)![1]!, 'base64').toString()
}

test('sessions move both ways between the Tornado original and this port', async (t) => {
  const cluster = await startCluster(t)
  const port = await freePort()
  const tornado = startTornadoApp({ port, secret: SECRET, servers: cluster.servers })
  t.after(async () => { tornado.kill(); if (tornado.exitCode === null) await once(tornado, 'exit') })
  await waitForPort(port, APP_START_MS)
  const ours = await buildTestApp(t, cluster, { COOKIE_FORMAT: 'tornado', COOKIE_SECRET: SECRET })
  const pyUrl = `http://127.0.0.1:${port}/`
  const mc = makeClient(t, cluster)

  /** The session dict as the original's page shows it: GetAll()'s JSON, escaped, after the form. */
  const pythonView = async (cookie: string) => {
    const page = await (await fetch(pyUrl, { headers: { cookie } })).text()
    const json = page.slice(page.indexOf('</form>') + 7, page.indexOf('</body>')).trim()
    return JSON.parse(json.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
  }
  const pythonPost = async (cookie: string, fields: Record<string, string>) => {
    const response = await fetch(pyUrl, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) })
    assert.equal(response.status, 200)
  }
  const ourPage = (cookie: string) => ours.inject({ url: '/', headers: { cookie } })
  const ourPost = async (cookie: string, fields: Record<string, string>) => {
    const csrf = csrfToken((await ourPage(cookie)).body)
    const response = await ours.inject({ method: 'POST', url: '/', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, ...fields }).toString() })
    assert.equal(response.statusCode, 303, pageError(response.body) ?? '')
  }

  await t.test('started on Tornado, continued here, and back', async () => {
    const first = await fetch(pyUrl)
    // Tornado sends the value quoted: uc="2|1:0|10:…|2:uc|44:…=|…"
    const setCookie = first.headers.getSetCookie().find((c) => c.startsWith('uc='))!
    assert.match(setCookie, /^uc="2\|1:0\|10:\d{10}\|2:uc\|44:[A-Za-z0-9+/]+=\|[0-9a-f]{64}"/)
    const cookie = setCookie.split(';')[0]!
    await pythonPost(cookie, { action: 'set', key: 'from', val: 'python' })

    const page = await ourPage(cookie)
    assert.deepEqual({ ...sessionTable(page.body) }, { from: 'python' })
    assert.doesNotMatch(page.body, /new session was started/)

    await ourPost(cookie, { action: 'set', key: 'and', val: 'node' })
    assert.deepEqual(await pythonView(cookie), { from: 'python', and: 'node' })
    await pythonPost(cookie, { action: 'del', key: 'from', val: '' }) // the original requires val even for del
    assert.deepEqual({ ...sessionTable((await ourPage(cookie)).body) }, { and: 'node' })
  })

  await t.test('started here, continued on Tornado, and back', async () => {
    const first = await ours.inject({ url: '/' })
    const raw = first.headers['set-cookie'] as string
    // Ours is unquoted and not %-encoded: Tornado's cookie parser reads it as is.
    assert.match(raw, /^uc=2\|1:0\|10:\d{10}\|2:uc\|44:[A-Za-z0-9+/]+=\|[0-9a-f]{64};/)
    assert.match(raw, /HttpOnly/)
    const cookie = raw.split(';')[0]!
    await ourPost(cookie, { action: 'set', key: 'from', val: 'node' })

    assert.deepEqual(await pythonView(cookie), { from: 'node' })
    await pythonPost(cookie, { action: 'set', key: 'and', val: 'python' })
    assert.deepEqual({ ...sessionTable((await ourPage(cookie)).body) }, { from: 'node', and: 'python' })
    // Python wrote the home copy only (flags 16, no version): that page view took its write to
    // the second copy too, both stamped with the next version.
    const id = idIn(cookie)
    const copies = ours.memcache.routeChain(id).slice(0, 2)
    await eventually(async () => {
      const items = await Promise.all(copies.map((node) => mc.onNode(node).getItem(id)))
      return items.every((item) => item !== undefined && item.flags > 16 && JSON.stringify(JSON.parse(item.bytes.toString())) === '{"from":"node","and":"python"}')
    })
    await ourPost(cookie, { action: 'del', key: 'and' })
    assert.deepEqual(await pythonView(cookie), { from: 'node' })
  })

  await t.test('a cookie signed with another secret is refused by both', async () => {
    const other = await buildTestApp(t, cluster, { COOKIE_FORMAT: 'tornado', COOKIE_SECRET: 'a-different-secret-0123456789abcdefghij' })
    const foreign = ((await other.inject({ url: '/' })).headers['set-cookie'] as string).split(';')[0]!
    const issued = (await ourPage(foreign)).cookies.find((c) => c.name === 'uc')!.value
    assert.notEqual(idIn(issued), idIn(foreign))
    assert.deepEqual(await pythonView(foreign), {}) // Tornado starts a fresh, empty session
  })
})
