// A second app for the pages' failure states: on its own nodes, with node 2 of each pool stopped
// (e2e/serve.ts), one per worker, beside the one playwright.config.ts starts; where libfaketime is
// installed, its session node 0 up for hours.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createServer, type AddressInfo } from 'node:net'
import { test as base, expect } from './fixtures.ts'
import { libfaketimePath } from '../tools/aged-clock.ts'

async function freePort (): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

/** How long session node 0 of the second app has been up, by its own clock (tools/aged-clock.ts). */
const AGED_SECONDS = 9000
const aging = libfaketimePath() === null ? {} : { E2E_AGED_NODE: '0', E2E_AGED_SECONDS: String(AGED_SECONDS) }

/**
 * A second app, on its own nodes with node 2 of each pool stopped: the pages with a node down.
 * Where libfaketime is installed, its session node 0 has been up 2 h 30 min (a real memcached
 * whose clock was moved on): issue 20's overflow came from a long uptime beside a node down.
 */
export const test = base.extend<object, { downURL: string }>({
  downURL: [async ({ browserName: _ }, use) => {
    const port = await freePort()
    const child: ChildProcess = spawn(process.execPath, ['e2e/serve.ts'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', COOKIE_SECRET: 'e2e-secret-that-is-long-enough-0123456789', LOG_LEVEL: 'warn', ...aging, E2E_STOP_NODE: '2', E2E_STOP_PLAYGROUND_NODE: '2', SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0' },
      stdio: ['ignore', 'inherit', 'inherit']
    })
    const url = `http://127.0.0.1:${port}`
    await expect(async () => {
      expect((await fetch(`${url}/healthz`)).status).toBe(200)
    }).toPass({ timeout: 30_000 })
    await use(url)
    child.kill('SIGTERM')
    if (child.exitCode === null) await once(child, 'exit')
  }, { scope: 'worker' }]
})
