// TCP relays in front of real memcached nodes, one per node, that pass everything through until
// `cut(marker)` arms them: then the first request carrying `marker` (a key, as the client writes
// it), on whichever relay it comes, is dropped with its connection, the client's end closed
// before any answer: a connection cut with a request in flight, on purpose and at a known
// moment. Other connections, and the ones the client opens next, are relayed whole. For tests of
// what a client (and what counts it) does when a node fails under a request; the nodes are real.
import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'
import type { TestContext } from 'node:test'

export interface CutRelays {
  /** One relay port per target, in the targets' order. */
  ports: number[]
  /** Arms the cut; resolves with the index of the relay that cut, once it has. */
  cut (marker: string): Promise<number>
}

export async function startCutRelays (t: Pick<TestContext, 'after'>, targetPorts: readonly number[]): Promise<CutRelays> {
  let armed: { marker: Buffer, done: (index: number) => void } | null = null
  const sockets: Socket[] = []
  const servers = targetPorts.map((targetPort, index) => createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.push(client, upstream)
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
    const close = () => { client.destroy(); upstream.destroy() }
    client.on('close', close).on('error', close)
    upstream.on('close', close).on('error', close)
  }))
  for (const server of servers) server.listen(0, '127.0.0.1')
  await Promise.all(servers.map((server) => once(server, 'listening')))
  t.after(() => {
    for (const socket of sockets) socket.destroy()
    for (const server of servers) server.close()
  })
  return {
    ports: servers.map((server) => (server.address() as { port: number }).port),
    cut (marker) {
      return new Promise((resolve) => { armed = { marker: Buffer.from(marker), done: resolve } })
    }
  }
}
