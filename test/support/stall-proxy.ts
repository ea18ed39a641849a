// A TCP relay in front of a real memcached that cuts an answer in the middle: on the first
// connection it passes `passBytes` bytes of the node's answers and then holds the rest back, as a
// network that stalls mid-response. Later connections are relayed whole. For tests of what a
// client does with half an answer; the node behind it is real.
import { createServer, connect, type Socket } from 'node:net'
import { once } from 'node:events'
import type { TestContext } from 'node:test'

export async function startStallProxy (t: Pick<TestContext, 'after'>, targetPort: number, passBytes: number): Promise<{ port: number, connections: () => number }> {
  let connections = 0
  const sockets: Socket[] = []
  const server = createServer((client) => {
    const first = connections++ === 0
    const upstream = connect(targetPort, '127.0.0.1')
    sockets.push(client, upstream)
    client.pipe(upstream)
    let passed = 0
    upstream.on('data', (chunk: Buffer) => {
      if (!first) { client.write(chunk); return }
      const room = passBytes - passed
      if (room > 0) client.write(chunk.subarray(0, room))
      passed += chunk.length
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
