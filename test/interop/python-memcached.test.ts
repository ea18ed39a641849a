// The real peer: Debian's python3-memcache (python-memcached 1.59) on the same four nodes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { randomBytes } from 'node:crypto'
import { buildTestApp, makeClient, startCluster, TEST_SECRET } from '../helper.ts'
import { signerFor } from '../cookie-signing.ts'

const run = promisify(execFile)

/** Runs a Python snippet with `mc` bound to a python-memcached client on the same servers and weights. */
async function python (servers: Array<{ host: string, port: number, weight: number }>, body: string, input = ''): Promise<string> {
  const list = servers.map((s) => `('${s.host}:${s.port}', ${s.weight})`).join(', ')
  const script = `import sys, json, memcache\nmc = memcache.Client([${list}])\n${body}`
  const child = run('/usr/bin/python3', ['-c', script], { maxBuffer: 16 * 1024 * 1024 })
  // A script that reads no input may exit before its stdin is written: that EPIPE is no failure.
  child.child.stdin!.on('error', () => {})
  child.child.stdin!.end(input)
  return (await child).stdout
}

test('python-memcached and this client share values and placement', async (t) => {
  const cluster = await startCluster(t)
  const mc = makeClient(t, cluster)

  await t.test('Python writes str, int and bytes; we read them with their types', async () => {
    await python(cluster.servers, 'mc.set(\'py:str\', \'héllo\'); mc.set(\'py:int\', 12345678901234); mc.set(\'py:bytes\', b\'\\x00raw\')')
    assert.equal(await mc.get('py:str'), 'héllo')
    assert.equal(await mc.get('py:int'), 12345678901234)
    assert.deepEqual(await mc.get('py:bytes'), Buffer.from('\x00raw', 'latin1'))
  })

  await t.test('we write str, int and bytes; Python reads them with their types', async () => {
    await mc.set('js:str', 'grüße')
    await mc.set('js:int', -7)
    await mc.set('js:bytes', Buffer.from([1, 2, 3]))
    const out = await python(cluster.servers, 'print(json.dumps([repr(mc.get(\'js:str\')), repr(mc.get(\'js:int\')), repr(mc.get(\'js:bytes\'))]))')
    assert.deepEqual(JSON.parse(out), ["'grüße'", '-7', "b'\\x01\\x02\\x03'"])
  })

  await t.test('for 1,000 random keys both place each key on the same node', async () => {
    const keys = Array.from({ length: 1000 }, () => randomBytes(16).toString('hex'))
    await mc.setMulti(keys.map((k) => [k, k]))
    // Python asks each node directly (a one-server client per node) where every key is.
    const out = await python(cluster.servers, `
keys = json.loads(sys.stdin.read())
nodes = [memcache.Client([s.address[0] + ':' + str(s.address[1])]) for s in mc.servers]
where = []
for k in keys:
    server, _ = mc._get_server(k.encode())
    holders = [i for i, n in enumerate(nodes) if n.get(k) is not None]
    where.append([mc.servers.index(server), holders])
print(json.dumps(where))`, JSON.stringify(keys))
    const where: Array<[number, number[]]> = JSON.parse(out)
    let agree = 0
    where.forEach(([pythonChoice, holders], i) => {
      if (pythonChoice === mc.nodeIndexFor(keys[i]!) && holders.length === 1 && holders[0] === pythonChoice) agree++
    })
    assert.equal(agree, 1000)
  })
})

test('a pickle Python left under a session id is not a session: a fresh one, never an error', async (t) => {
  const cluster = await startCluster(t)
  const app = await buildTestApp(t, cluster)
  const id = randomBytes(16).toString('hex')
  await python(cluster.servers, `mc.set('${id}', {'uid': 'abc', 'n': 1}, 60)`) // flags 1: a pickle
  const cookie = signerFor(TEST_SECRET)(`${id}.${Math.floor(Date.now() / 1000)}`)
  const page = await app.inject({ url: '/', headers: { cookie: `uc=${encodeURIComponent(cookie)}` } })
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /new session was started/)
  assert.notEqual(page.cookies.find((c) => c.name === 'uc')!.value.slice(0, 32), id)
})
