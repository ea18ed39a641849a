// What the client publishes on node:diagnostics_channel, against real memcached: one start and
// one end per round trip with the command, node, outcome, duration and value bytes; a node's
// down and up; a retry elsewhere. Never a key or a value.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { eventually, makeClient, startCluster } from '../../../test/support/nodes.ts'
import type { CommandEndMessage, NodeDownMessage, NodeUpMessage, RetryMessage } from '../src/diagnostics.ts'

function listen<T> (t: { after (fn: () => void): void }, name: string): T[] {
  const messages: T[] = []
  const onMessage = (message: unknown) => { messages.push(message as T) }
  subscribe(name, onMessage)
  t.after(() => unsubscribe(name, onMessage))
  return messages
}

test('commands, node failures and retries are published, with no key or value in them', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster, { probeMinMs: 50 })
  const ends = listen<CommandEndMessage>(t, 'memcache-session:command:end')
  const downs = listen<NodeDownMessage>(t, 'memcache-session:node:down')
  const ups = listen<NodeUpMessage>(t, 'memcache-session:node:up')
  const retries = listen<RetryMessage>(t, 'memcache-session:retry')
  const secretKey = 'secret-key-7f3a'
  const secretValue = 'secret-value-'.repeat(10)

  await mc.set(secretKey, secretValue)
  assert.equal(await mc.get(secretKey), secretValue)
  assert.equal(await mc.get('absent'), undefined)
  const mine = ends.filter((m) => m.client === mc)
  assert.deepEqual(mine.map((m) => [m.command, m.outcome]), [['set', 'ok'], ['get', 'ok'], ['get', 'ok']])
  const home = mc.nodes[mc.nodeIndexFor(secretKey)!]!.label
  assert.equal(mine[0]!.node, home)
  assert.equal(mine[0]!.valueBytes, secretValue.length, 'the bytes sent')
  assert.equal(mine[1]!.valueBytes, secretValue.length, 'the bytes read')
  assert.equal(mine[2]!.valueBytes, 0)
  assert.ok(mine.every((m) => m.durationMs >= 0 && Number.isFinite(m.durationMs)))

  const index = mc.nodeIndexFor(secretKey)!
  await cluster.nodes[index]!.stop('SIGKILL')
  await mc.get(secretKey) // its node refuses: marked down, and the get goes where the key routes now
  assert.deepEqual(downs.map((m) => [m.client === mc, m.node, m.timedOut]), [[true, home, false]])
  assert.equal(retries.length, 1)
  assert.deepEqual({ command: retries[0]!.command, attempt: retries[0]!.attempt, reason: retries[0]!.reason }, { command: 'get', attempt: 1, reason: 'MC_ERR_NODE_DOWN' })
  assert.ok(ends.some((m) => m.client === mc && m.outcome === 'MC_ERR_NODE_DOWN'))

  await cluster.nodes[index]!.start()
  await eventually(() => ups.length === 1, 3000)
  assert.equal(ups[0]!.client, mc)
  assert.equal(ups[0]!.node, home)
  assert.ok(ups[0]!.downForMs > 0)

  const published = JSON.stringify([...ends, ...downs, ...ups, ...retries].map((m) => ({ ...m, client: undefined })))
  assert.ok(!published.includes(secretKey) && !published.includes('secret-value'), 'no key or value in any message')
})
