// A browser-like visitor of the playground for app.inject: posts a card's form, follows the 303,
// and reads that card (its newest result and error) on the page.
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import { unescapeHtml, Visitor } from '../helper.ts'

/** These tests run many commands in a row from one address: no rate limit (it has its own test). */
export const UNLIMITED = { PLAYGROUND_KEYS_PER_MINUTE: '0' }

export class PlaygroundVisitor extends Visitor {
  /** Posts a card's form, follows the 303 as a browser would, and reads that card on the page. */
  async run (fields: Record<string, string>): Promise<{ status: number, lines: string[], nodes: string, error: string | null, ts: string | null, wire: string | null, body: string, post: LightMyRequestResponse }> {
    if (!this.csrf) await this.get('/memcache')
    const post = await this.app.inject({
      method: 'POST',
      url: '/memcache',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `uc=${this.cookie}` },
      payload: new URLSearchParams({ _csrf: this.csrf!, ...fields }).toString()
    })
    const card = fields.card ?? (fields.op === 'cas' || fields.op === 'gets' ? 'conn1' : fields.op)
    if (post.statusCode !== 303) return { status: post.statusCode, ...readCard(post.body, card), body: post.body, post }
    // Back to the chapter page that shows the card: the client API's, or the CAS chapter's.
    const location = post.headers.location as string
    assert.match(location, /^\/(memcache|cas)#/)
    const page = await this.get(location.slice(0, location.indexOf('#')))
    return { status: post.statusCode, ...readCard(page.body, card), body: page.body, post }
  }
}

/** The newest result and the error shown in one card of the page (or at the top, for no card). */
export function readCard (body: string, card: string | undefined) {
  const section = new RegExp(`<section class="(?:card playground-card|client)" id="${card}"[\\s\\S]*?</section>`).exec(body)?.[0] ?? ''
  const text = transcriptView(section, 'python') ?? ''
  const nodes = /<p class="nodes-served">([\s\S]*?)<\/p>/.exec(section)?.[1]?.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim() ?? ''
  const error = /<p class="error" role="alert"[^>]*>(.*?)<\/p>/.exec(section)?.[1] ?? /<p class="error" role="alert">(.*?)<\/p>/.exec(body)?.[1] ?? null
  // A client panel starts with its connect line: the runs follow it.
  const lines = text.split('\n').filter((line) => line && !/^>>> conn\d = memcache\.Client\(/.test(line))
  return { lines, nodes, error: error && unescapeHtml(error), ts: transcriptView(section, 'ts'), wire: transcriptView(section, 'wire') }
}

/** The text of one view (python, ts, wire) of the first transcript in `html`, or null. */
export function transcriptView (html: string, view: 'python' | 'ts' | 'wire'): string | null {
  const pre = new RegExp(`<div class="transcript"[\\s\\S]*?<pre class="as-${view}">([\\s\\S]*?)</pre>`).exec(html)
  return pre ? unescapeHtml(pre[1]!.replace(/<[^>]+>/g, '')) : null
}

/** The visitor's key prefix, `pg:<16 hex>:`, as the client API page states it. */
export function namespacePrefix (body: string): string {
  return /stored as <code>(pg:[0-9a-f]{16}:)k<\/code>/.exec(body)![1]!
}
