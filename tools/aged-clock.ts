// Dev and test tooling: a real memcached that has "run for hours" within seconds, for pages that
// must fit long uptimes (issue 20: the cluster page's table with a node up for hours and one down).
// A real node cannot report an hour without running one, and a stand-in answering `stats` would be
// a mock, so the node runs under libfaketime (Debian's `faketime` package, which scripts/test.sh
// installs) and its clock is moved forward once it listens.
//
// memcached's uptime is its monotonic clock (CLOCK_MONOTONIC, read once a second by its clock
// handler) less the reading it took at start. libfaketime fakes that clock too, by an offset it
// reads from a file (FAKETIME_TIMESTAMP_FILE, re-read at most once a second): "+0" while the node
// starts, then the age. From there time runs at its normal rate, so a TTL keeps its length. Not a
// speed-up (`faketime -f '+0 x3600'`): that also reports hours, but a 20-minute session then
// lasts a third of a second, and memcached's one-second clock timer spins a whole CPU (35 s of CPU
// in 39 s, measured on this project's CI machine).
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemcacheClient, metaTransport } from '@memcache-session/client'

/** libfaketime's path on this machine, or null (then nothing can be aged: say so, and skip). */
export function libfaketimePath (): string | null {
  // Debian and Ubuntu put it under their multiarch directory (/usr/lib/x86_64-linux-gnu/…), other
  // packages and a source build under /usr/lib, /usr/lib64 or /usr/local/lib.
  const multiarch = existsSync('/usr/lib') ? readdirSync('/usr/lib').filter((name) => name.endsWith('-linux-gnu')).map((name) => join('/usr/lib', name)) : []
  const places = [...multiarch, '/usr/lib', '/usr/lib64', '/usr/local/lib'].map((dir) => join(dir, 'faketime', 'libfaketime.so.1'))
  return places.find((place) => existsSync(place)) ?? null
}

export const LIBFAKETIME_MISSING = 'libfaketime is not installed (Debian/Ubuntu: apt-get install faketime; scripts/test.sh installs it there), so no memcached can report an uptime of hours'

export interface AgedClock {
  /** The environment a memcached process must start with. */
  readonly env: Record<string, string>
  /** Moves the clock `seconds` ahead of the real one; the node's uptime follows within two seconds. */
  moveForward (seconds: number): void
  /** Removes the offset file (the process keeps the last offset it read). */
  dispose (): void
}

export function agedClock (): AgedClock {
  const library = libfaketimePath()
  if (!library) throw new Error(LIBFAKETIME_MISSING)
  const dir = mkdtempSync(join(tmpdir(), 'memcache-session-clock-'))
  const file = join(dir, 'offset')
  writeFileSync(file, '+0\n')
  return {
    env: { LD_PRELOAD: library, FAKETIME_TIMESTAMP_FILE: file, FAKETIME_CACHE_DURATION: '1' },
    moveForward (seconds: number) {
      if (!Number.isInteger(seconds) || seconds < 0) throw new RangeError(`seconds must be a whole number >= 0, got ${seconds}`)
      writeFileSync(file, `+${seconds}\n`)
    },
    dispose () {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/** Waits until the node at host:port reports (its own `stats`) an uptime of at least `seconds`. */
export async function waitForUptime (host: string, port: number, seconds: number, timeoutMs = 10_000): Promise<number> {
  const client = new MemcacheClient({ servers: [{ host, port, weight: 1 }], transport: metaTransport })
  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      const uptime = Number((await client.stats(0)).uptime)
      if (uptime >= seconds) return uptime
      if (Date.now() > deadline) throw new Error(`memcached on ${host}:${port} reports an uptime of ${uptime} s, not ${seconds} s, after ${timeoutMs} ms: is libfaketime faking its clock?`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  } finally {
    await client.close()
  }
}
