// TCP relays in front of real memcached nodes, one per node, that pass everything through until
// `cut(marker)` arms them: then the first request carrying `marker` (a key, as the client writes
// it), on whichever relay it comes, is dropped with its connection, the client's end closed
// before any answer: a connection cut with a request in flight, on purpose and at a known
// moment. Other connections, and the ones the client opens next, are relayed whole. For tests of
// what a client (and what counts it) does when a node fails under a request; the nodes are real.
import type { TestContext } from 'node:test'
import { startRelay } from './relay.ts'

export interface CutRelays {
  /** One relay port per target, in the targets' order. */
  ports: number[]
  /** Arms the cut; resolves with the index of the relay that cut, once it has. */
  cut (marker: string): Promise<number>
}

export async function startCutRelays (t: Pick<TestContext, 'after'>, targetPorts: readonly number[]): Promise<CutRelays> {
  let armed: { marker: Buffer, done: (index: number) => void } | null = null
  const relays = await Promise.all(targetPorts.map((targetPort, index) => startRelay(t, targetPort, (client, upstream) => {
    // The last bytes of the previous chunk, for a marker split across two.
    let tail = Buffer.alloc(0)
    client.on('data', (chunk: Buffer) => {
      const cut = armed
      if (cut) {
        const seen = Buffer.concat([tail, chunk])
        if (seen.includes(cut.marker)) {
          armed = null
          client.destroy()
          upstream.destroy()
          cut.done(index)
          return
        }
        tail = seen.subarray(Math.max(0, seen.length - cut.marker.length + 1))
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => { client.write(chunk) })
  })))
  return {
    ports: relays.map((relay) => relay.port),
    cut (marker) {
      return new Promise((resolve) => { armed = { marker: Buffer.from(marker), done: resolve } })
    }
  }
}
