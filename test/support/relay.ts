// What every test relay in front of a real memcached shares: a TCP server on a free loopback
// port whose every connection gets a connection of its own to the node, the two closed together,
// and everything closed when the test ends. `pipe` says what passes between the two ends (the
// relays that stall, cut, hold or garble are that function); `index` counts connections from 0.
import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'
import type { TestContext } from 'node:test'

export type Pipe = (client: Socket, upstream: Socket, index: number) => void

export async function startRelay (t: Pick<TestContext, 'after'>, targetPort: number, pipe: Pipe): Promise<{ port: number, connections: () => number }> {
  let connections = 0
  const sockets: Socket[] = []
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.push(client, upstream)
    pipe(client, upstream, connections++)
    const close = () => { client.destroy(); upstream.destroy() }
    client.on('close', close).on('error', close)
    upstream.on('close', close).on('error', close)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => {
    for (const socket of sockets) socket.destroy()
    server.close()
  })
  return { port: (server.address() as { port: number }).port, connections: () => connections }
}
