// The console's record: kept short and bounded, read defensively, and no run lost to a concurrent one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { makeClient, startCluster } from '../helper.ts'
import { emptyHistory, HISTORY_LENGTH, loadHistory, recordRun, withRun } from '../../server/playground/history.ts'
import type { Transcript } from '../../server/playground/commands.ts'

const run = (n: number, result = String(n)): Transcript => ({ op: 'get', card: 'get', lines: [{ call: `mc.get('k${n}')`, result }], nodes: [] })

test('the last runs are kept, and each card\'s own fields', () => {
  let history = emptyHistory()
  for (let i = 0; i < HISTORY_LENGTH + 5; i++) history = withRun(history, { at: i, transcript: run(i) }, { op: 'get', key: `k${i}` })
  assert.equal(history.entries.length, HISTORY_LENGTH)
  assert.equal(history.entries[0]!.at, 5)
  assert.deepEqual(history.forms.get, { key: `k${HISTORY_LENGTH + 4}` })
  // A 64 KiB field is not kept to refill a card.
  history = withRun(history, { at: 99, transcript: { ...run(99), op: 'set', card: 'set' } }, { op: 'set', key: 'k', val: 'x'.repeat(65536) })
  assert.deepEqual(history.forms.set, { key: 'k' })
})

test('stored within its size, read back defensively, and concurrent runs all kept', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)
  for (let i = 0; i < HISTORY_LENGTH; i++) await recordRun(mc, 'pg:h1', 60, { at: i, transcript: run(i, `'${'v'.repeat(1990)}'`) }, { op: 'get' })
  const stored = await mc.get('pg:h1') as string
  assert.ok(Buffer.byteLength(stored) <= 96 * 1024)
  assert.equal((await loadHistory(mc, 'pg:h1')).entries.length, HISTORY_LENGTH)

  for (const junk of ['not json', '[]', '{"entries": "x", "forms": {"__proto__": {"key": "k"}, "nope": {}}}']) {
    await mc.set('pg:h2', junk)
    assert.deepEqual(await loadHistory(mc, 'pg:h2'), emptyHistory())
  }
  await mc.set('pg:h2', 10)
  assert.deepEqual(await loadHistory(mc, 'pg:h2'), emptyHistory())

  await Promise.all(Array.from({ length: 8 }, (_, i) => recordRun(mc, 'pg:h3', 60, { at: i, transcript: run(i) }, { op: 'get' })))
  assert.deepEqual((await loadHistory(mc, 'pg:h3')).entries.map((e) => e.at).sort(), [0, 1, 2, 3, 4, 5, 6, 7])
})
