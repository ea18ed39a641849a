// The process as `npm start` runs it: local nodes, config errors, a missing memcached, SIGTERM.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { eventually, makeClient, startCluster, TEST_SECRET } from '../helper.ts'
import { freePort, waitForPort } from '../../tools/ports.ts'
import { MemcacheClient } from '@memcache-session/client'
import { APP_START_MS } from '../support/app-process.ts'

const root = fileURLToPath(new URL('../../', import.meta.url))

function startServer (env: Record<string, string>): { child: ChildProcess, output: () => string, exited: Promise<[number | null, string | null]> } {
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH!, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = once(child, 'exit') as Promise<[number | null, string | null]>
  return { child, output: () => output, exited }
}

test('a bad setting stops the start with a message naming the variable', async () => {
  const server = startServer({ PORT: 'abc', MEMCACHED_SERVERS: '127.0.0.1:1' })
  const [code] = await server.exited
  assert.equal(code, 1)
  assert.match(server.output(), /PORT must be a whole number/)
})

test('without memcached installed, npm start says how to get it', async () => {
  const server = startServer({ PATH: '/nonexistent', PORT: String(await freePort()) })
  const [code] = await server.exited
  assert.equal(code, 1)
  assert.match(server.output(), /apt-get install memcached/)
  assert.match(server.output(), /docker compose up/)
  assert.match(server.output(), /MEMCACHED_SERVERS=/)
})

test('without MEMCACHED_SERVERS, npm start runs four weighted nodes and the playground\'s four (11211-11218 unless told) and stops them', async (t) => {
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()]
  const playgroundPorts = [await freePort(), await freePort(), await freePort(), await freePort()]
  const port = await freePort()
  const server = startServer({ PORT: String(port), LOCAL_MEMCACHED_PORTS: [...ports, ...playgroundPorts].join(',') })
  t.after(() => server.child.kill('SIGKILL'))
  await waitForPort(port, APP_START_MS)
  const mc = new MemcacheClient({ servers: ports.map((p, i) => ({ host: '127.0.0.1', port: p, weight: [4, 3, 1, 2][i]! })) })
  const limits = await Promise.all(ports.map(async (_, i) => Number((await mc.stats(i)).limit_maxbytes) / 1024 / 1024))
  mc.close()
  assert.deepEqual(limits, [64, 48, 16, 32])
  // The playground's pool: weighted like the tutorial's, 4 MB per unit of weight.
  const playground = new MemcacheClient({ servers: playgroundPorts.map((p, i) => ({ host: '127.0.0.1', port: p, weight: [4, 3, 1, 2][i]! })) })
  const playgroundLimits = await Promise.all(playgroundPorts.map(async (_, i) => Number((await playground.stats(i)).limit_maxbytes) / 1024 / 1024))
  playground.close()
  assert.deepEqual(playgroundLimits, [16, 12, 4, 8])
  const pids = memcachedPidsOn([...ports, ...playgroundPorts])
  assert.equal(pids.length, 8)

  server.child.kill('SIGTERM')
  const [code] = await server.exited
  assert.equal(code, 0)
  await eventually(() => pids.every((pid) => !isRunning(pid)), 5000)
})

test('SIGTERM: in-flight requests finish, memcached connections close, exit 0', async (t) => {
  const cluster = await startCluster(t)
  const port = await freePort()
  const server = startServer({
    PORT: String(port),
    MEMCACHED_SERVERS: cluster.serversSetting,
    COOKIE_SECRET: TEST_SECRET
  })
  t.after(() => server.child.kill('SIGKILL'))
  await waitForPort(port, APP_START_MS)
  const first = await fetch(`http://127.0.0.1:${port}/`)
  const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!
  await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } }) // a first visit asks no node (lazy sessions); this one connects to the id's
  const id = decodeURIComponent(cookie.slice(3)).slice(0, 32)
  const mc = makeClient(t, cluster)
  const holderIndex = mc.nodeIndexFor(id)!
  const holder = cluster.nodes[holderIndex]!
  const connectionsBefore = Number((await mc.stats(holderIndex)).curr_connections)

  // Freeze the node that holds the session: the next page view waits on it (up to the 500 ms deadline).
  process.kill(holder.pid!, 'SIGSTOP')
  const inFlight = fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } })
  // The app has the request (Fastify logs it on arrival) before it is told to stop.
  await eventually(() => server.output().split('"msg":"incoming request"').length - 1 === 3)
  server.child.kill('SIGTERM')
  const response = await inFlight
  process.kill(holder.pid!, 'SIGCONT')
  assert.equal(response.status, 200)
  const [code] = await server.exited
  assert.equal(code, 0)
  assert.match(server.output(), /shutting down/)
  await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`))
  // The app's connection to each node is gone (only ours remains).
  await eventually(async () => Number((await mc.stats(holderIndex)).curr_connections) < connectionsBefore, 3000)
})

function memcachedPidsOn (ports: number[]): number[] {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
      return cmd[0]?.endsWith('memcached') && ports.some((p) => cmd.includes(String(p)))
    } catch {
      return false
    }
  })
}

function isRunning (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z')
  } catch {
    return false
  }
}
