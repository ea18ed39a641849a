// What the peer apps share: their settings from the environment (as the bench runner passes
// them) and the page they answer with.
import { fileURLToPath } from 'node:url'
import { TEMPLATE_HELPERS, TEMPLATE_LOCALS } from '../../server/plugins/views.ts'
import { languageLocals } from '../../server/plugins/i18n.ts'
import { sessionView } from '../../server/session-view.ts'
import { sessionStory } from '../../server/session-story.ts'
import { compileTemplates } from '../../server/templates.ts'

export const COOKIE_NAME = 'uc'
export const TTL_SECONDS = 1200

export const port = Number(process.env.PORT ?? 9990)
export const secret = process.env.COOKIE_SECRET ?? 'bench-secret-that-is-long-enough-0123456789'
/** host:port[:weight] as MEMCACHED_SERVERS; the peers' clients take host:port. */
export const hosts = (process.env.MEMCACHED_SERVERS ?? '127.0.0.1:11211').split(',').map((s) => s.split(':').slice(0, 2).join(':'))

// Compiled and rendered as the app compiles and renders them in production (server/plugins/views.ts).
const sessionPage = compileTemplates(fileURLToPath(new URL('../../views/', import.meta.url)), { locals: TEMPLATE_LOCALS, debug: false }).page('index.ejs')

// The story ours tells of a view (server/session-story.ts), as it reads for a stored session
// read from its two copies: built once, since the floor has no trace of its own; rendering it is
// the page's cost, which the floor pays like ours.
const now = Math.floor(Date.now() / 1000)
const storyOfAView = sessionStory({
  at: now * 1000,
  commands: [{ command: 'gat', node: '127.0.0.1:11211', outcome: 'ok', valueBytes: 16 }, { command: 'gat', node: '127.0.0.1:11213', outcome: 'ok', valueBytes: 16 }],
  open: { outcome: 'loaded', reason: null },
  read: { result: 'found', copies: 2, wanted: 2, unreachable: 0 },
  createdAt: now,
  stored: true
}, { nodes: ['127.0.0.1:11211', '127.0.0.1:11212', '127.0.0.1:11213', '127.0.0.1:11214'], ttlSeconds: TTL_SECONDS, maxAgeSeconds: 12 * 3600, stored: true, maxSessionBytes: 65_536 })
const story = () => storyOfAView
// The English page, as ours sends it without a lang cookie or Accept-Language (server/plugins/i18n.ts).
const ENGLISH = { ...languageLocals(false).en, backPath: '/' }

/**
 * The session page, from the app's own templates, so every app in the benchmark sends the same
 * markup and the ratios measure session handling, not page size. (The peers have no CSRF token
 * or node name to show; same-length stand-ins keep the bytes equal.)
 */
export function page (data: Record<string, unknown>): string {
  const view = sessionView(Object.entries(data).filter(([k]) => k !== 'cookie'), 1)
  return sessionPage({
    ...TEMPLATE_HELPERS,
    ...ENGLISH,
    title: 'Session',
    playground: false,
    chapterPath: '/',
    story,
    entries: view.rows,
    paging: view.paging,
    stored: view.stored,
    // As ours shows them with two copies (SESSION_REPLICAS=1, the default).
    copies: [{ index: 0, label: '127.0.0.1:11211 (weight 4)', lagging: false }, { index: 1, label: '127.0.0.1:11212 (weight 3)', lagging: false }],
    version: 12,
    // Each copy's CAS token as the page lists them (stand-ins of a length memcached hands out here).
    casTokens: [{ node: 0, cas: 123_456n }, { node: 1, cas: 123_457n }],
    casChange: null,
    csrf: 'x'.repeat(43),
    csrfField: '_csrf',
    limits: { maxKeyLength: 250 },
    ttlSeconds: TTL_SECONDS,
    notices: [],
    error: null,
    form: { action: 'set', key: '', val: '' }
  })
}

/** The small page of the bare floor: a form and a table, nothing else. */
export function smallPage (data: Record<string, unknown>): string {
  const rows = Object.entries(data).map(([k, v]) => `<tr><td>${escape(k)}</td><td>${escape(v)}</td></tr>`).join('')
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Session</title></head><body>
<form action="/" method="post"><select name="action"><option>set</option><option>del</option></select>
<input name="key"><input name="val"><button>Submit</button></form>
<table>${rows}</table></body></html>`
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' }
const escape = (text: unknown) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!)
