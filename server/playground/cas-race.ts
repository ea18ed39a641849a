// Chapter 3's summary card: the tutorial's two terminals as one run. Every call goes through the
// command's `call` (commands.ts), so the race has its Python, TypeScript and wire views too.
import { PlaygroundInputError } from './input.ts'
import { reprLimited, type Shown } from './python-repr.ts'
import { tsCall } from './typescript-lines.ts'
import type { Call, CommandContext, Transcript } from './commands.ts'
import type { CasValue } from '@memcache-session/client'

/**
 * A lost update that CAS prevents: conn1 and conn2 both read n and both write n + 1; conn1's cas
 * stores, conn2's is refused, so conn2 reads again and writes n + 2. The value always changes, and
 * the final get shows that no increment was lost.
 */
export async function casRace (ctx: CommandContext, _t: Transcript, key: string, track: (key: string) => string, call: Call): Promise<void> {
  const { a, b } = ctx
  const stored = track(key)
  const show = (value: Shown) => reprLimited(value).text
  const ts = (client: string, method: string, ...args: unknown[]) => ({ call: tsCall(client, method, ...args) })
  /** gets on one client, as `itemN = await connN.gets(key)` in the TypeScript view. */
  const gets = async (client: 'conn1' | 'conn2', note?: string): Promise<CasValue | undefined> => {
    let found: CasValue | undefined
    const item = client === 'conn1' ? 'item1' : 'item2'
    await call(`${client}.gets(${show(key)})`, async () => { found = await (client === 'conn1' ? a : b).gets(stored); return found?.value as Shown },
      note ? { note } : {}, { call: `${item} = ${tsCall(client, 'gets', key)}`, result: () => found })
    return found
  }
  const cas = (client: 'conn1' | 'conn2', value: number, token: Buffer, note: string) =>
    call(`${client}.cas(${show(key)}, ${value})`, () => (client === 'conn1' ? a : b).cas(stored, value, token, ctx.maxTtlSeconds), { note },
      { call: `${tsCall(client, 'cas', key, value).slice(0, -1)}, ${client === 'conn1' ? 'item1' : 'item2'}.cas)` })

  const current = await call(`conn1.get(${show(key)})`, () => a.get(stored) as Promise<Shown>, {}, ts('conn1', 'get', key))
  if (typeof current !== 'number') {
    await call(`conn1.set(${show(key)}, 0)`, () => a.set(stored, 0, ctx.maxTtlSeconds), { note: current === undefined ? 'start from 0' : 'not a number: start from 0' }, ts('conn1', 'set', key, 0))
  }
  const readA = await gets('conn1')
  const readB = await gets('conn2')
  if (!readA || !readB || typeof readA.value !== 'number' || typeof readB.value !== 'number') {
    throw new PlaygroundInputError((w) => w.raceChanged)
  }
  await cas('conn1', readA.value + 1, readA.cas, 'first to write: stored')
  await cas('conn2', readB.value + 1, readB.cas, 'refused: the key changed since its gets')
  const again = await gets('conn2', 'B reads again')
  if (!again || typeof again.value !== 'number') throw new PlaygroundInputError((w) => w.raceChanged)
  await cas('conn2', again.value + 1, again.cas, 'stored: both increments kept')
  await call(`conn1.get(${show(key)})`, () => a.get(stored) as Promise<Shown>, {}, ts('conn1', 'get', key))
}
