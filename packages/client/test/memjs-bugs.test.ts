// The memjs 1.3.2 bugs our client must not inherit (read from memjs 1.3.2's lib/memjs). Each test runs
// the same steps on plain memjs, where it shows the bug, and on our client, where it does not.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import memjs from 'memjs'
import { eventually, makeClient, startCluster } from '../../../test/support/nodes.ts'
import { binaryTransport } from '../src/binary/index.ts'

/** Resolves to 'no answer' if `promise` has not settled within `ms`. */
function within<T> (promise: Promise<T>, ms: number): Promise<T | 'no answer'> {
  return Promise.race([promise, new Promise<'no answer'>((resolve) => setTimeout(resolve, ms, 'no answer'))])
}

test('memjs bugs, side by side', async (t) => {
  const cluster = await startCluster(t, [1], 'binary')
  const { host, port } = cluster.servers[0]!
  const plain = new memjs.Client([new memjs.Server(host, port, '', '')], { retries: 1, expires: 1, logger: { log () {} } }) as unknown as PlainMemjs
  t.after(() => plain.close())
  const ours = makeClient(t, cluster, { transport: binaryTransport, tls: null })

  await t.test('prepend: memjs appends', async () => {
    await plain.set('p1', 'b', {})
    await plain.prepend('p1', 'a')
    assert.equal((await plain.get('p1')).value.toString(), 'ba')
    await ours.set('p2', 'b')
    await ours.prepend('p2', 'a')
    assert.equal(await ours.get('p2'), 'ab')
  })

  await t.test('incr above 2^32: memjs misreads the 64-bit result', async () => {
    await plain.set('c1', '5000000000', {})
    assert.equal((await plain.increment('c1', 1, {})).value, 705032961)
    await ours.set('c2', 5000000000)
    assert.equal(await ours.incr('c2', 1), 5000000001)
  })

  await t.test('an unsafe key: memjs sends it, python-memcached could never read it', async () => {
    assert.equal(await plain.set('has space', 'v', {}), true)
    await assert.rejects(ours.set('has space', 'v'), /spaces or control characters/)
  })

  await t.test('expiry 0 cannot override memjs\'s default expiry', async () => {
    await plain.set('e1', 'v', { expires: 0 }) // default expires: 1 wins
    await ours.set('e2', 'v', 0)
    await eventually(async () => (await plain.get('e1')).value === null, 4000)
    assert.equal(await ours.get('e2'), 'v')
  })

  await t.test('a request on a connection the server closes: memjs loses it', async () => {
    // A 251-byte key makes memcached close the connection; the request queued behind it is lost.
    // When the close arrives as a FIN memjs never calls back; when memcached resets the connection
    // (unread data: the usual case on Node 24 and later) it fails with ECONNRESET. Never an answer.
    plain.get('k'.repeat(251)).catch(() => {})
    const behind = plain.get('p1').then(() => 'answered', () => 'error')
    assert.notEqual(await within(behind, 1500), 'answered')
    // Ours refuses the key before sending, and a request behind it is answered.
    const refused = ours.get('k'.repeat(251)).then(() => 'answered', () => 'error')
    assert.deepEqual(await Promise.all([refused, ours.get('p2')]), ['error', 'ab'])
  })
})

interface PlainMemjs {
  get (key: string): Promise<{ value: Buffer }>
  set (key: string, value: string, options: { expires?: number }): Promise<boolean>
  prepend (key: string, value: string): Promise<boolean>
  increment (key: string, amount: number, options: object): Promise<{ value: number }>
  close (): void
}
