// Shared test setup for the app: real memcached processes (support/nodes.ts) and the app on them.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../server/app.ts'
import { loadConfig, resolveConfig } from '../server/config.ts'
import type { LocalCluster } from '../tools/local-cluster.ts'
import { MEMCACHED_ENV, type Hooks } from './support/nodes.ts'

export * from './support/nodes.ts'

// ---- the app -------------------------------------------------------------------------------

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789'

/** Tests write from one address far faster than a visitor: no session budgets (they have their own test). */
export const NO_SESSION_BUDGETS = { SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0' }

export async function buildTestApp (t: Hooks, cluster: LocalCluster, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = resolveConfig(loadConfig({
    COOKIE_SECRET: TEST_SECRET,
    MEMCACHED_SERVERS: cluster.serversSetting,
    ...MEMCACHED_ENV,
    ...NO_SESSION_BUDGETS,
    ...env
  }))
  const app = await buildApp(config)
  t.after(() => app.close())
  return app
}

/**
 * A cookie-keeping client for `app.inject`, reading the CSRF token from each page it gets,
 * the way a browser submits the form it was shown.
 */
export class Visitor {
  cookie: string | undefined
  csrf: string | undefined

  readonly app: FastifyInstance
  constructor (app: FastifyInstance) { this.app = app }

  async get (url = '/', headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({ method: 'GET', url, headers: { ...this.#cookieHeader(), ...headers } })
    this.#remember(response)
    return response
  }

  /** Posts the session form (fields in order, urlencoded) with this visitor's cookie and token. */
  async post (fields: Record<string, string>, { csrf = true } = {}): Promise<LightMyRequestResponse> {
    if (csrf && !this.csrf) await this.get()
    const body = new URLSearchParams(csrf ? { _csrf: this.csrf!, ...fields } : fields).toString()
    const response = await this.app.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.#cookieHeader() },
      payload: body
    })
    this.#remember(response)
    return response
  }

  /** Sets a key and checks the 303 back to the page. */
  async set (key: string, val: string): Promise<void> {
    const response = await this.post({ action: 'set', key, val })
    if (response.statusCode !== 303) throw new Error(`set ${key}: ${response.statusCode} ${pageError(response.body)}`)
  }

  /**
   * The session's keys and values as the pages show them: every page of keys, and each value the
   * table cuts read whole from its link (server/session-view.ts).
   */
  async data (): Promise<Record<string, string>> {
    const data: Record<string, string> = Object.create(null)
    for (let page = 1; ; page++) {
      const html = (await this.get(page === 1 ? '/' : `/?page=${page}`)).body
      for (const row of sessionRows(html)) {
        data[row.key] = row.href ? (await this.get(row.href)).body : row.value
      }
      if (!html.includes('rel="next"')) return data
    }
  }

  /** The raw session id (the test reads its own cookie). */
  get sessionId (): string | undefined {
    return this.cookie ? decodeURIComponent(this.cookie).slice(0, 32) : undefined
  }

  #cookieHeader (): Record<string, string> {
    return this.cookie ? { cookie: `uc=${this.cookie}` } : {}
  }

  #remember (response: LightMyRequestResponse): void {
    const uc = response.cookies.find((c) => c.name === 'uc')
    if (uc) this.cookie = uc.value
    const token = csrfToken(response.body, { optional: true })
    if (token) this.csrf = token
  }
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#34;': '"', '&#39;': "'" }
export function unescapeHtml (text: string): string {
  return text.replace(/&(amp|lt|gt|#34|#39);/g, (m) => ENTITIES[m]!)
}

/** The rows of the session table in a rendered page: key and value as shown, and the link to a cut value's whole. */
export function sessionRows (html: string): Array<{ key: string, value: string, href: string | null }> {
  return [...html.matchAll(/<tr><td>(.*?)<\/td><td>(.*?)(?:<a class="more" href="([^"]+)">[^<]*<\/a>)?<\/td><\/tr>/gs)]
    .map((m) => ({ key: unescapeHtml(m[1]!), value: unescapeHtml(m[2]!), href: m[3] ? unescapeHtml(m[3]) : null }))
}

/** Key/value rows of the session table in a rendered page, as shown. */
export function sessionTable (html: string): Record<string, string> {
  const rows: Record<string, string> = Object.create(null)
  for (const row of sessionRows(html)) rows[row.key] = row.value
  return rows
}

export function pageError (html: string): string | null {
  const m = /<p class="error" role="alert" id="form-error">(.*?)<\/p>/s.exec(html)
  return m ? unescapeHtml(m[1]!) : null
}

/** The CSRF token of the form in a page (`<input name="_csrf" value="…">`); throws when there is none. */
export function csrfToken (html: string): string
export function csrfToken (html: string, options: { optional: true }): string | undefined
export function csrfToken (html: string, { optional = false } = {}): string | undefined {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1]
  if (token === undefined && !optional) throw new Error('no _csrf field in the page')
  return token
}
