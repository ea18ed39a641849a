// SessionStore on its own, against a real node: what happens when every compare-and-swap loses.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeClient, startCluster } from '../helper.ts'
import { SessionStore } from '../../server/session/store.ts'
import { SessionConflictError } from '../../server/session/errors.ts'
import { DEFAULT_LIMITS } from '../../server/session/limits.ts'
import { newSessionId } from '../../server/session/ids.ts'

test('a change that keeps losing the compare-and-swap gives up with a 409 and writes nothing', async (t) => {
  const cluster = await startCluster(t, [1])
  const mc = makeClient(t, cluster)
  const store = new SessionStore(mc, { ttlSeconds: 60, limits: DEFAULT_LIMITS, casAttempts: 3 })
  const id = newSessionId()
  assert.equal(await store.create(id), true)
  const loaded = (await store.load(id))!

  let attempts = 0
  const otherWrites: Array<Promise<unknown>> = []
  const change = (data: Map<string, unknown>) => {
    attempts++
    // Another writer gets in first every time: its set leaves on the connection before our cas.
    otherWrites.push(mc.set(id, JSON.stringify({ other: String(attempts) }), 60))
    data.set('mine', 'x')
    return true
  }
  await assert.rejects(store.update(id, loaded, change), (error: unknown) => error instanceof SessionConflictError && error.statusCode === 409)
  await Promise.all(otherWrites)
  assert.equal(attempts, 3)
  assert.equal(await mc.get(id), '{"other":"3"}') // the other writer's value, not ours
})
