// Counts one client's round trips through its diagnostics channel (packages/client/src/diagnostics.ts):
// each request written to a node, a pipelined batch once. The subscription ends with the test.
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { TestContext } from 'node:test'

export interface RoundTrips {
  /** Round trips since the counter started. */
  readonly count: number
  /** The commands sent since the counter started, in order (e.g. ['gat', 'cas']). */
  readonly commands: readonly string[]
}

export function countRoundTrips (t: Pick<TestContext, 'after'>, client: object): RoundTrips {
  const commands: string[] = []
  const onStart = (message: unknown) => {
    const { client: from, command } = message as { client: object, command: string }
    if (from === client) commands.push(command)
  }
  subscribe('memcache-session:command:start', onStart)
  t.after(() => unsubscribe('memcache-session:command:start', onStart))
  return {
    get count () { return commands.length },
    get commands () { return [...commands] }
  }
}
