// The TypeScript view of a playground run: each tutorial call as this project's client takes it
// (@memcache-session/client's MemcacheClient), and its answer as Node's REPL prints it
// (util.inspect: true, 'text', undefined, Map(1) { 'k' => 'v' }, <Buffer ...>). The answers are
// the client's own results from the run, not a translation of the Python ones.
import { inspect } from 'node:util'
import type { NodeAddress } from '@memcache-session/client'

/** Longest answer shown, as the Python view cuts its reprs. */
const MAX_TS_CHARS = 2000
/**
 * Longest string inside a call or an answer: Node's REPL prints the rest as "... 61240 more
 * characters". Shorter than the Python view's cut, so the extra view of a 60 KiB value costs the
 * page a few hundred bytes (the page's size test: test/routes/playground-limits.test.ts).
 */
const MAX_TS_STRING = 200

/** A value as Node's REPL prints it, on one line and cut past MAX_TS_CHARS. */
export function tsRepr (value: unknown): string {
  const text = inspect(value, { breakLength: Infinity, compact: true, maxStringLength: MAX_TS_STRING, maxArrayLength: 50, depth: 3 })
  return text.length > MAX_TS_CHARS ? `${text.slice(0, MAX_TS_CHARS)}…` : text
}

/** `await conn.getMulti(['a', 'b'])`: the call as a learner types it in the REPL. */
export function tsCall (client: string, method: string, ...args: unknown[]): string {
  return `await ${client}.${method}(${args.map(tsRepr).join(', ')})`
}

/** What the REPL prints for an error the client threw. */
export function tsRaised (error: unknown): string {
  const { name, code, message } = error as { name?: string, code?: string, message?: string }
  return `Uncaught ${name ?? 'Error'}: ${message ?? String(error)}${code ? ` { code: '${code}' }` : ''}`
}

/** The lines that make the client, as the Python view opens with `conn = memcache.Client([...])`. */
export function tsConnect (client: string, servers: readonly NodeAddress[], protocol: string): string[] {
  const list = servers.map((s) => `{ host: ${tsRepr(s.host)}, port: ${s.port}, weight: ${s.weight} }`).join(', ')
  return protocol === 'binary'
    ? ["import { MemcacheClient } from '@memcache-session/client'", "import { binaryTransport } from '@memcache-session/client/binary'", `const ${client} = new MemcacheClient({ servers: [${list}], transport: binaryTransport })`]
    : ["import { MemcacheClient } from '@memcache-session/client'", `const ${client} = new MemcacheClient({ servers: [${list}] })`]
}
