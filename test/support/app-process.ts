// The app as a process of its own (`node server/main.ts`), as it is deployed: several of them on
// one cluster are the normal case. And a visitor that talks to such processes over HTTP, keeping
// its cookie and the CSRF token of the last page, whichever instance served it.
import type { TestContext } from 'node:test'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { freePort, waitForPort } from '../../tools/ports.ts'
import { csrfToken, MEMCACHED_ENV, NO_SESSION_BUDGETS, sessionTable, TEST_SECRET } from '../helper.ts'
import type { LocalCluster } from '../../tools/local-cluster.ts'

/**
 * How long an app process may take to listen. About a second on a quiet machine; more than 15 s
 * was seen with three other test suites on the two cores. The bound only tells a start that hangs
 * from a slow one: no test measures how fast the app starts.
 */
export const APP_START_MS = 60_000

const root = fileURLToPath(new URL('../../', import.meta.url))

export interface AppProcess {
  url: string
  /** Everything the process wrote (its log lines). */
  output: () => string
}

/** Starts `node server/main.ts` on `cluster`, stopped (SIGTERM) when the test ends. */
export async function startAppProcess (t: Pick<TestContext, 'after'>, cluster: LocalCluster, env: Record<string, string> = {}): Promise<AppProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: root,
    // Metrics on a free port of the kernel's choosing unless the test names one: never 9464, which another process may hold.
    env: { PATH: process.env.PATH, PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: cluster.serversSetting, ...MEMCACHED_ENV, COOKIE_SECRET: TEST_SECRET, LOG_LEVEL: 'warn', ...NO_SESSION_BUDGETS, METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    await once(child, 'exit')
  })
  const exited = once(child, 'exit').then(([code]) => { throw new Error(`the app exited (${code}) before it listened on ${port}:\n${output}`) })
  exited.catch(() => {})
  await Promise.race([waitForPort(port, APP_START_MS), exited])
  return { url: `http://127.0.0.1:${port}/`, output: () => output }
}

export class HttpVisitor {
  cookie: string | undefined
  csrf: string | undefined

  /** The page, its status, and the session's entries as the page shows them. */
  async get (app: AppProcess): Promise<{ status: number, data: Record<string, string> }> {
    const response = await fetch(app.url, { headers: this.#headers() })
    this.#keepCookie(response)
    const html = await response.text()
    this.csrf = csrfToken(html, { optional: true }) ?? this.csrf
    return { status: response.status, data: sessionTable(html) }
  }

  /** Sets `key` through the session form; the status of the answer (303 when saved). */
  async set (app: AppProcess, key: string, val: string): Promise<number> {
    if (!this.csrf) await this.get(app)
    const response = await fetch(app.url, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...this.#headers(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf!, action: 'set', key, val })
    })
    this.#keepCookie(response)
    await response.arrayBuffer()
    return response.status
  }

  /** Ends the session (the End session form); the status of the answer (303 when ended). */
  async end (app: AppProcess): Promise<number> {
    if (!this.csrf) await this.get(app)
    const response = await fetch(new URL('end', app.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { ...this.#headers(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf! })
    })
    this.#keepCookie(response)
    await response.arrayBuffer()
    return response.status
  }

  /**
   * Runs a playground card's form (POST /memcache, as the page posts it) and follows its 303 as a
   * browser would: the status of the POST and the page it leads to (its cards show the runs).
   */
  async playground (app: AppProcess, fields: Record<string, string>): Promise<{ status: number, body: string }> {
    if (!this.csrf) await this.get(app)
    const response = await fetch(new URL('memcache', app.url), {
      method: 'POST',
      redirect: 'manual',
      headers: { ...this.#headers(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf!, ...fields })
    })
    this.#keepCookie(response)
    const location = response.headers.get('location')
    if (location === null) return { status: response.status, body: await response.text() }
    await response.arrayBuffer()
    const page = await fetch(new URL(location, app.url), { headers: this.#headers() })
    return { status: response.status, body: await page.text() }
  }

  /** The session id the signed cookie carries. */
  get sessionId (): string | undefined {
    return this.cookie && decodeURIComponent(this.cookie.slice('uc='.length)).slice(0, 32)
  }

  #headers (): Record<string, string> {
    return this.cookie ? { cookie: this.cookie } : {}
  }

  #keepCookie (response: Response): void {
    const set = response.headers.getSetCookie().find((c) => c.startsWith('uc='))
    if (set) this.cookie = set.split(';')[0]
  }
}
