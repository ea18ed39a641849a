// Local TCP ports for tests, e2e and benchmarks: one nothing listens on, and waiting until one listens.
import { once } from 'node:events'
import { connect, createServer } from 'node:net'

/** A TCP port nothing listens on right now (the kernel's pick). */
export async function freePort (): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  await once(server, 'close')
  return port
}

/** Resolves once something accepts connections on 127.0.0.1:port (polls every 20 ms, up to `timeoutMs`). */
export async function waitForPort (port: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await isListening(port)) return
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Whether something accepts connections on 127.0.0.1:port right now. */
export function isListening (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
  })
}
