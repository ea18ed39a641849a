// A TCP relay in front of a real memcached that cuts an answer in the middle: on the first
// connection it passes `passBytes` bytes of the node's answers and then holds the rest back, as a
// network that stalls mid-response. Later connections are relayed whole. For tests of what a
// client does with half an answer; the node behind it is real.
import type { TestContext } from 'node:test'
import { startRelay } from './relay.ts'

export function startStallProxy (t: Pick<TestContext, 'after'>, targetPort: number, passBytes: number): Promise<{ port: number, connections: () => number }> {
  return startRelay(t, targetPort, (client, upstream, index) => {
    client.pipe(upstream)
    let passed = 0
    upstream.on('data', (chunk: Buffer) => {
      if (index > 0) { client.write(chunk); return }
      const room = passBytes - passed
      if (room > 0) client.write(chunk.subarray(0, room))
      passed += chunk.length
    })
  })
}
