// What the peer apps share: their settings from the environment (as the bench runner passes
// them) and the same small page and form, so every app answers the same requests with the same HTML.

export const COOKIE_NAME = 'uc'
export const TTL_SECONDS = 1200

export const port = Number(process.env.PORT ?? 9990)
export const secret = process.env.COOKIE_SECRET ?? 'bench-secret-that-is-long-enough-0123456789'
/** host:port[:weight] as MEMCACHED_SERVERS; the peers' clients take host:port. */
export const hosts = (process.env.MEMCACHED_SERVERS ?? '127.0.0.1:11211').split(',').map((s) => s.split(':').slice(0, 2).join(':'))

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' }
const escape = (text: unknown) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!)

export function page (data: Record<string, unknown>): string {
  const rows = Object.entries(data).filter(([k]) => k !== 'cookie').map(([k, v]) => `<tr><td>${escape(k)}</td><td>${escape(v)}</td></tr>`).join('')
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Session</title></head><body>
<form action="/" method="post"><select name="action"><option>set</option><option>del</option></select>
<input name="key"><input name="val"><button>Submit</button></form>
<table>${rows}</table></body></html>`
}
