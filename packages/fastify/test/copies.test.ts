// Which copy of a record is current: versions in the flags, the Python original's writes, ties.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { flagsFor, isLater, nextVersion, versionOf } from '../src/record-version.ts'
import { currentOf, lagging, type CopyRead } from '../src/copies.ts'

test('a version rides in the flag bits above 16, which python-memcached ignores for text', () => {
  assert.equal(flagsFor(0), 16)
  assert.equal(flagsFor(1), 48)
  assert.equal(flagsFor(2 ** 27 - 1), 0xffffffff - 15)
  for (const version of [0, 1, 2, 1000, 2 ** 26, 2 ** 27 - 1]) {
    const flags = flagsFor(version)
    assert.equal(flags & 16, 16, 'python-memcached reads it as text (bit 16 set)')
    assert.equal(flags & 8, 0, 'and does not inflate it (bit 8 clear)')
    assert.equal(versionOf(flags), version)
  }
  assert.throws(() => flagsFor(2 ** 27))
  assert.throws(() => flagsFor(-1))
  assert.equal(versionOf(0), null, 'bytes: not a session record')
  assert.equal(versionOf(2), null, 'an integer')
  assert.equal(versionOf(24), null, 'compressed text')
})

test('versions count up, wrap past 2^27 - 1 to 1, and compare in serial-number order', () => {
  assert.equal(nextVersion(0), 1)
  assert.equal(nextVersion(41), 42)
  assert.equal(nextVersion(2 ** 27 - 1), 1)
  assert.ok(isLater(2, 1))
  assert.ok(!isLater(1, 2))
  assert.ok(!isLater(5, 5))
  assert.ok(isLater(1, 2 ** 27 - 1), 'just after the wrap is later')
  assert.ok(!isLater(2 ** 27 - 1, 1))
})

const record = (node: number, version: number, text: string): CopyRead => ({
  node, state: 'found', version, flags: flagsFor(version), bytes: Buffer.from(text), cas: Buffer.alloc(8)
})
const upSince = () => 0

test('the latest version is current, wherever it is', () => {
  const current = currentOf([record(0, 3, '{"v":"old"}'), record(2, 4, '{"v":"new"}')], 0, upSince)
  assert.ok(current && current !== 'ended')
  assert.deepEqual(Object.fromEntries(current.data), { v: 'new' })
  assert.equal(current.version, 4)
  assert.deepEqual(lagging([record(0, 3, '{"v":"old"}'), record(2, 4, '{"v":"new"}')], current).map((r) => r.node), [0])
})

test('a missing copy lags; an unreachable one is left alone; an end mark anywhere ends the session', () => {
  const reads: CopyRead[] = [{ node: 1, state: 'missing' }, record(3, 7, '{"k":1}'), { node: 2, state: 'unreachable', error: new Error('down') }]
  const current = currentOf(reads, 1, upSince)
  assert.ok(current && current !== 'ended')
  assert.deepEqual(lagging(reads, current).map((r) => r.node), [1])
  assert.equal(currentOf([record(0, 9, '{}'), { node: 1, state: 'not-a-session' }], 0, upSince), 'ended')
  assert.equal(currentOf([{ node: 0, state: 'missing' }, { node: 1, state: 'missing' }], 0, upSince), undefined)
})

test('only the current record is parsed: an older copy is compared by bytes, and a current one that is no JSON object is no session', () => {
  const reads = [record(0, 5, '{"v":"current"}'), record(1, 4, '{not json, never parsed')]
  const current = currentOf(reads, 0, upSince)
  assert.ok(current && current !== 'ended')
  assert.deepEqual(Object.fromEntries(current.data), { v: 'current' })
  assert.deepEqual(lagging(reads, current).map((r) => r.node), [1])
  assert.equal(currentOf([record(0, 5, '{"v":"older"}'), record(1, 6, '{broken')], 0, upSince), 'ended')
})

test('an unversioned record at home is the Python original\'s latest write: it wins, carried past the copies\' version', () => {
  const reads = [record(0, 0, '{"from":"python"}'), record(1, 12, '{"from":"node"}')]
  const current = currentOf(reads, 0, upSince)
  assert.ok(current && current !== 'ended')
  assert.deepEqual(Object.fromEntries(current.data), { from: 'python' })
  assert.equal(current.version, 13)
  assert.deepEqual(lagging(reads, current).map((r) => r.node).sort(), [0, 1], 'both copies take it up at version 13')
  // Unversioned on the copy's node (an old record, or Python's fallback write) counts as oldest.
  const elsewhere = currentOf([record(0, 2, '{"from":"node"}'), record(1, 0, '{"from":"old"}')], 0, upSince)
  assert.ok(elsewhere && elsewhere !== 'ended')
  assert.deepEqual(Object.fromEntries(elsewhere.data), { from: 'node' })
})

test('two different records with one version: the larger bytes win, in whatever order they are read', () => {
  const a = record(0, 5, '{"w":"a"}')
  const b = record(1, 5, '{"w":"b"}')
  for (const reads of [[a, b], [b, a]]) {
    const current = currentOf(reads, 0, upSince)
    assert.ok(current && current !== 'ended')
    assert.deepEqual(Object.fromEntries(current.data), { w: 'b' })
  }
})

test('two different records with one version: the one on the node up longer wins (the other just came back)', () => {
  const reads = [record(0, 5, '{"w":"a"}'), record(1, 5, '{"w":"b"}')]
  const resumedHome = (node: number) => node === 0 ? 2000 : 1000
  const resumedCopy = (node: number) => node === 1 ? 2000 : 1000
  const a = currentOf(reads, 0, resumedHome)
  const b = currentOf(reads, 0, resumedCopy)
  assert.ok(a && a !== 'ended' && b && b !== 'ended')
  assert.deepEqual(Object.fromEntries(a.data), { w: 'b' })
  assert.deepEqual(Object.fromEntries(b.data), { w: 'a' })
})

test('a tie names its rival and is not a copy that lags: a read rewrites neither side, only what is missing or older', () => {
  const [a, b] = [record(0, 5, '{"w":"a"}'), record(1, 5, '{"w":"b"}')]
  const missing: CopyRead = { node: 2, state: 'missing' }
  const older = record(3, 4, '{"w":"old"}')
  const current = currentOf([a, b, missing, older], 0, upSince)
  assert.ok(current && current !== 'ended')
  assert.deepEqual(Object.fromEntries(current.data), { w: 'b' })
  assert.deepEqual(current.rivals, [a])
  assert.deepEqual(lagging([a, b, missing, older], current).map((read) => read.node), [2, 3])
  const plain = currentOf([a, record(1, 4, '{"w":"b"}')], 0, upSince)
  assert.ok(plain && plain !== 'ended')
  assert.deepEqual(plain.rivals, [], 'an older record is no rival')
})
