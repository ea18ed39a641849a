// Opening a session (packages/fastify/src/open.ts) on its own, against a real memcached node, with a
// clock the test moves: lazy sessions, the "not stored yet" mark, lifetimes, end and regenerate.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeClient, startCluster } from '../../../test/support/nodes.ts'
import { SessionStore } from '../src/store.ts'
import { DEFAULT_LIMITS } from '../src/limits.ts'
import { newSessionId } from '../src/ids.ts'
import { cookieFormat, type CookieFormatName } from '../src/cookie-format.ts'
import { openSession, type OpenDeps, type VerifiedCookie } from '../src/open.ts'
import type { Session } from '../src/session.ts'
import type { MemcacheClient } from '@memcache-session/client'

const TTL = 1200
const MAX_AGE = 43200
const SKEW = 60

async function setup (t: Parameters<typeof startCluster>[0], formatName: CookieFormatName = 'fastify') {
  const cluster = await startCluster(t, [1])
  const mc = makeClient(t, cluster)
  const format = cookieFormat(formatName, 'uc', ['a-secret-that-is-long-enough-0123456789'])
  const clock = { now: Math.floor(Date.now() / 1000) }
  const deps: OpenDeps = {
    store: new SessionStore(mc, { ttlSeconds: TTL, limits: DEFAULT_LIMITS }),
    format,
    options: { ttlSeconds: TTL, maxAgeSeconds: MAX_AGE, limits: DEFAULT_LIMITS, clockSkewSeconds: SKEW },
    clock: () => clock.now,
    newId: newSessionId
  }
  /** Opens with `cookie` (an unsigned value, as verified) and records what the cookie became. */
  async function open (value: string | null) {
    const writes: Array<string | null> = []
    const cookie: VerifiedCookie | null = value === null ? null : { value, renew: false }
    const opened = await openSession(deps, cookie, (session: Session | null) => {
      writes.push(session ? format.write(session) : null)
    })
    return { ...opened, writes }
  }
  return { mc, format, clock, open }
}

async function counters (mc: MemcacheClient) {
  const stats = await mc.stats(0)
  return { items: Number(stats.curr_items), commands: Number(stats.cmd_get) + Number(stats.cmd_set) + Number(stats.cmd_touch) }
}

test('lazy: a first visit sends no command and stores nothing; its cookie is marked until the first change', async (t) => {
  const { mc, open } = await setup(t)
  const before = await counters(mc)
  const first = await open(null)
  assert.deepEqual(await counters(mc), before)
  const { session } = first
  assert.equal(session.stored, false)
  assert.deepEqual(first.writes, [`${session.id}.${session.createdAt}.new`])

  // Back with the marked cookie: the same id, still nothing stored, no new cookie.
  const again = await open(first.writes[0]!)
  assert.equal(again.session.id, session.id)
  assert.deepEqual(again.writes, [])
  assert.equal((await counters(mc)).items, before.items)

  await again.session.set('k', 'v')
  assert.equal(await mc.get(session.id), '{"k":"v"}')
  assert.deepEqual(again.writes, [`${session.id}.${session.createdAt}`]) // re-issued without the mark
  const stored = await open(again.writes[0]!)
  assert.equal(stored.session.get('k'), 'v')
})

test('a marked cookie whose id was stored meanwhile loads the session and loses its mark', async (t) => {
  const { open } = await setup(t)
  const first = await open(null)
  const marked = first.writes[0]!
  const writer = await open(marked)
  await writer.session.set('k', 'v')
  const stale = await open(marked) // a request that still carries the first cookie
  assert.equal(stale.session.id, first.session.id)
  assert.equal(stale.session.get('k'), 'v')
  assert.equal(stale.session.stored, true)
  assert.deepEqual(stale.writes, [`${first.session.id}.${first.session.createdAt}`])
})

test('a marked cookie older than the idle TTL is not taken up, so an expired id cannot come back', async (t) => {
  const { mc, clock, open } = await setup(t)
  const first = await open(null)
  clock.now += TTL
  const late = await open(first.writes[0]!)
  assert.notEqual(late.session.id, first.session.id)
  assert.equal(late.replaced, null)
  assert.equal(await mc.get(first.session.id), undefined)
})

test('an unmarked id memcached does not hold gets a new id', async (t) => {
  const { clock, open } = await setup(t)
  const id = newSessionId()
  const opened = await open(`${id}.${clock.now}`)
  assert.notEqual(opened.session.id, id)
  assert.equal(opened.replaced, 'expired')
})

test(`a creation time more than ${SKEW} s in the future is refused; within the skew allowance it counts`, async (t) => {
  const { mc, clock, open } = await setup(t)
  const id = newSessionId()
  await mc.set(id, '{"k":"v"}', 60)
  const future = await open(`${id}.${clock.now + SKEW + 1}`)
  assert.notEqual(future.session.id, id)
  const far = await open(`${id}.9999999999`)
  assert.notEqual(far.session.id, id)
  const skewed = await open(`${id}.${clock.now + SKEW}`)
  assert.equal(skewed.session.id, id)
  assert.equal(skewed.session.get('k'), 'v')
  const markedFuture = await open(`${newSessionId()}.${clock.now + 3600}.new`)
  assert.equal(markedFuture.session.stored, false)
  assert.equal(markedFuture.writes.length, 1) // a new cookie, new id
})

test('past the absolute lifetime the record is ended and a new session starts', async (t) => {
  const { mc, clock, open } = await setup(t)
  const id = newSessionId()
  await mc.set(id, '{"k":"v"}', 60)
  const opened = await open(`${id}.${clock.now - MAX_AGE}`)
  assert.equal(opened.replaced, 'max-age')
  assert.notEqual(opened.session.id, id)
  assert.equal(await mc.get(id), '', 'an end mark (no data) replaces the record')
})

test('end: the record is deleted, the cookie cleared, and neither the old cookie nor the first (marked) one loads it again', async (t) => {
  const { mc, open } = await setup(t)
  const first = await open(null)
  const marked = first.writes[0]!
  const opened = await open(marked)
  await opened.session.set('secret', 'x')
  const unmarked = opened.writes[0]!
  const id = opened.session.id

  const ending = await open(unmarked)
  await ending.session.end()
  assert.deepEqual(ending.writes, [null])
  assert.equal(ending.session.entries().length, 0)

  for (const replayed of [unmarked, marked]) {
    const again = await open(replayed)
    assert.notEqual(again.session.id, id, replayed)
    assert.equal(again.session.get('secret'), undefined)
  }
  assert.notEqual(await mc.get(id), '{"secret":"x"}')
})

test('regenerate: a new id with the same data, the old id loads nothing, the cookie follows', async (t) => {
  const { mc, open } = await setup(t)
  const opened = await open(null)
  await opened.session.set('user', 'ada')
  const oldId = opened.session.id
  const oldCookie = opened.writes.at(-1)!
  await opened.session.regenerate()
  const newId = opened.session.id
  assert.notEqual(newId, oldId)
  assert.equal(opened.writes.at(-1), `${newId}.${opened.session.createdAt}`)
  assert.equal(await mc.get(newId), '{"user":"ada"}')

  const replay = await open(oldCookie)
  assert.notEqual(replay.session.id, oldId)
  assert.equal(replay.session.get('user'), undefined)
  const current = await open(opened.writes.at(-1)!)
  assert.equal(current.session.get('user'), 'ada')
  await current.session.set('more', 'yes') // the regenerated session is an ordinary one
  assert.equal(await mc.get(newId), '{"user":"ada","more":"yes"}')
})

test('regenerate before anything was stored: a new marked id, still nothing stored', async (t) => {
  const { mc, open } = await setup(t)
  const opened = await open(null)
  const oldId = opened.session.id
  await opened.session.regenerate()
  assert.notEqual(opened.session.id, oldId)
  assert.equal(opened.session.stored, false)
  assert.match(opened.writes.at(-1)!, /\.new$/)
  assert.equal(await mc.get(opened.session.id), undefined)
})

test('tornado format stays eager: its cookie is the bare id, so a first visit stores the empty record', async (t) => {
  const { mc, open } = await setup(t, 'tornado')
  const first = await open(null)
  assert.equal(first.session.stored, true)
  assert.deepEqual(first.writes, [first.session.id])
  assert.equal(await mc.get(first.session.id), '{}')
  const again = await open(first.session.id)
  assert.equal(again.session.id, first.session.id)
  const unknown = await open(newSessionId())
  assert.equal(unknown.replaced, 'expired')
})

test('a marked cookie whose node hangs: the one retry goes where the id routes now', async (t) => {
  const cluster = await startCluster(t, [1, 1])
  const mc = makeClient(t, cluster, { timeoutMs: 200 })
  const format = cookieFormat('fastify', 'uc', ['a-secret-that-is-long-enough-0123456789'])
  const now = Math.floor(Date.now() / 1000)
  const deps: OpenDeps = {
    store: new SessionStore(mc, { ttlSeconds: TTL, limits: DEFAULT_LIMITS }),
    format,
    options: { ttlSeconds: TTL, maxAgeSeconds: MAX_AGE, limits: DEFAULT_LIMITS, clockSkewSeconds: SKEW },
    clock: () => now,
    newId: newSessionId
  }
  const id = newSessionId()
  const pid = cluster.nodes[mc.nodeIndexFor(id)!]!.pid!
  process.kill(pid, 'SIGSTOP')
  let opened
  try {
    opened = await openSession(deps, { value: `${id}.${now}.new`, renew: false }, () => {})
  } finally {
    process.kill(pid, 'SIGCONT')
  }
  assert.equal(opened.session.id, id)
  assert.equal(opened.session.stored, false)
})
