// Local TCP ports for tests, e2e and benchmarks: one reserved for this process, and waiting until
// one listens.
//
// Why a reservation and not just the kernel's pick (listen on port 0, close, hand the number on):
// the tests run two files at once, and other runs (a second checkout, a benchmark) may share the
// machine. The kernel's pick is free only at that instant: another process can be handed the same
// port before our memcached binds it, or take the port of a node a test killed and will restart.
// Then a test talks to a stranger's memcached (flushed, restarted, stopped by someone else) and
// loses sessions it never lost. So a port is reserved by creating a file named after it in a
// directory every process of this project shares (created exclusively: one process wins), held
// until the process exits, and drawn from below the kernel's ephemeral range, where no outgoing
// connection takes it either.
import { once } from 'node:events'
import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Below Linux's default ephemeral range (32768-60999) and above the well-known services. */
const FIRST_PORT = 20_000
const LAST_PORT = 32_767
/**
 * A reservation whose process is gone is taken back once it is this old: a process killed by a
 * signal leaves its files (no 'exit' event), and a younger file may be one being written.
 */
const STALE_AFTER_MS = 60_000

const reservations = join(tmpdir(), 'memcache-session-ports')
const held = new Set<string>()

/** A TCP port nothing listens on, which no other process of this project is handed while this one lives. */
export async function freePort (): Promise<number> {
  mkdirSync(reservations, { recursive: true })
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = FIRST_PORT + Math.floor(Math.random() * (LAST_PORT - FIRST_PORT + 1))
    if (!reserve(port)) continue
    if (await canListen(port)) return port
    // Something outside this project listens there: leave it reserved (it is not ours to use).
  }
  throw new Error(`no free port between ${FIRST_PORT} and ${LAST_PORT} after 1000 tries (reservations in ${reservations})`)
}

/** Creates the port's reservation file; false when another live process holds it. */
function reserve (port: number): boolean {
  const file = join(reservations, String(port))
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !abandoned(file)) return false
    try { unlinkSync(file) } catch {}
    return reserve(port)
  }
  if (held.size === 0) process.once('exit', release)
  held.add(file)
  return true
}

/** A reservation left by a process that is gone (its pid answers no signal), older than STALE_AFTER_MS. */
function abandoned (file: string): boolean {
  try {
    if (Date.now() - statSync(file).mtimeMs < STALE_AFTER_MS) return false
    const pid = Number(readFileSync(file, 'utf8'))
    if (!Number.isInteger(pid) || pid <= 0) return false
    process.kill(pid, 0)
    return false
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

function release (): void {
  for (const file of held) try { unlinkSync(file) } catch {}
  held.clear()
}

/** Whether this process can listen on 127.0.0.1:port right now. */
async function canListen (port: number): Promise<boolean> {
  const server = createServer()
  const listening = await new Promise<boolean>((resolve) => {
    server.once('listening', () => resolve(true))
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1')
  })
  if (listening) {
    server.close()
    await once(server, 'close')
  }
  return listening
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
