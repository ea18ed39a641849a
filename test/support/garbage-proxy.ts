// A TCP relay in front of a real memcached that, on its first connection, answers the first
// request with bytes that are no memcached protocol (what a client pointed at the wrong service
// reads: here Redis's answer to an unknown command) instead of the node's answer. Later
// connections are relayed whole. For tests of what a client does with a malformed answer; the
// node behind it is real.
import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'
import type { TestContext } from 'node:test'

export const GARBAGE = Buffer.from('-ERR unknown command\r\n')

export async function startGarbageProxy (t: Pick<TestContext, 'after'>, targetPort: number): Promise<{ port: number, connections: () => number }> {
  let connections = 0
  const sockets: Socket[] = []
  const server = createServer((client) => {
    const first = connections++ === 0
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.push(client, upstream)
    client.pipe(upstream)
    let replaced = false
    upstream.on('data', (chunk: Buffer) => {
      if (!first) { client.write(chunk); return }
      if (!replaced) client.write(GARBAGE)
      replaced = true
    })
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
