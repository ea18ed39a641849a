// The builds a side-by-side bench runs (bench/compare.ts, bench/gc-trace.ts): `label=dir,KEY=value`
// on the command line names a checkout (the app) or `floor` / `floor@dir` (that checkout's
// bench/peers/floor.ts), and settings for its environment; `spawnBuild` starts one on the bench's
// four nodes, as the other benches do (production, quiet logs, no playground, no budgets).
import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, waitForPort } from '../tools/ports.ts'

const BENCH_SECRET = 'bench-secret-that-is-long-enough-0123456789'
const here = fileURLToPath(new URL('../', import.meta.url))

export interface Build { label: string, script: string, cwd: string, env: Record<string, string> }

export function parseBuild (arg: string): Build {
  const [label, rest = ''] = arg.split(/=(.*)/s) as [string, string?]
  const [where = '.', ...settings] = rest.split(',')
  const floor = where === 'floor' || where.startsWith('floor@')
  const cwd = resolve(floor ? (where.slice('floor@'.length) || here) : where)
  const env = Object.fromEntries(settings.map((s) => s.split(/=(.*)/s).slice(0, 2) as [string, string]))
  return { label, cwd, script: floor ? 'bench/peers/floor.ts' : 'server/main.ts', env }
}

/**
 * Starts `build` on `servers` (MEMCACHED_SERVERS) and waits until it listens; `nodeArgs` go to
 * node before the script (`--trace-gc`), `stdout: 'pipe'` keeps what it prints.
 */
export async function spawnBuild (build: Build, servers: string, options: { nodeArgs?: string[], stdout?: 'ignore' | 'pipe' } = {}): Promise<{ child: ChildProcess, url: string }> {
  const port = await freePort()
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), build.script], {
    cwd: build.cwd,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', LOG_LEVEL: 'warn', PLAYGROUND: 'off', PORT: String(port), HOST: '127.0.0.1', MEMCACHED_SERVERS: servers, COOKIE_SECRET: BENCH_SECRET, SESSION_WRITES_PER_MINUTE: '0', SESSION_NEW_PER_MINUTE: '0', METRICS_PORT: '0', ...build.env },
    stdio: ['ignore', options.stdout ?? 'ignore', 'inherit']
  })
  process.once('exit', () => child.kill('SIGKILL'))
  await waitForPort(port, 20_000)
  return { child, url: `http://127.0.0.1:${port}/` }
}
