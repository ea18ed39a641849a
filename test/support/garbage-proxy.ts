// A TCP relay in front of a real memcached that, on its first connection, answers the first
// request with bytes that are no memcached protocol (what a client pointed at the wrong service
// reads: here Redis's answer to an unknown command) instead of the node's answer. Later
// connections are relayed whole. For tests of what a client does with a malformed answer; the
// node behind it is real.
import type { TestContext } from 'node:test'
import { startRelay } from './relay.ts'

export const GARBAGE = Buffer.from('-ERR unknown command\r\n')

export function startGarbageProxy (t: Pick<TestContext, 'after'>, targetPort: number): Promise<{ port: number, connections: () => number }> {
  return startRelay(t, targetPort, (client, upstream, index) => {
    client.pipe(upstream)
    let replaced = false
    upstream.on('data', (chunk: Buffer) => {
      if (index > 0) { client.write(chunk); return }
      if (!replaced) client.write(GARBAGE)
      replaced = true
    })
  })
}
