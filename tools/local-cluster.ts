// Dev and test tooling, not part of the app: starts memcached processes on this machine, the four
// weighted nodes `npm start` runs when MEMCACHED_SERVERS is not set, and the throwaway nodes the
// tests, e2e and benchmarks run on free ports.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import type { NodeAddress } from '@memcache-session/client'
import { freePort, isListening, waitForPort } from './ports.ts'

export const MEMCACHED_MISSING_HELP = [
  'memcached is not installed, and MEMCACHED_SERVERS is not set.',
  'Either install it (Debian/Ubuntu: sudo apt-get install memcached; macOS: brew install memcached),',
  'or run everything in containers with: docker compose up,',
  'or point the app at running servers: MEMCACHED_SERVERS=host:port:weight,... npm start'
].join('\n')

export interface LocalNodeSpec {
  port: number
  weight: number
  memoryMb: number
  /** More memcached flags, e.g. `-B ascii` (refuse the binary protocol) or TLS (`-Z -o ...`). */
  flags?: readonly string[]
  /** More environment for the process (an aged clock: tools/aged-clock.ts). */
  env?: Readonly<Record<string, string>>
}

export class LocalNode {
  #process: ChildProcess | undefined
  readonly spec: LocalNodeSpec
  readonly binary: string
  constructor (spec: LocalNodeSpec, binary: string) {
    this.spec = spec
    this.binary = binary
  }

  get pid (): number | undefined { return this.#process?.pid }

  get address (): NodeAddress {
    return { host: '127.0.0.1', port: this.spec.port, weight: this.spec.weight }
  }

  async start (): Promise<void> {
    if (await isListening(this.spec.port)) {
      throw new Error(`port ${this.spec.port} is already in use: stop what listens there, or use it with MEMCACHED_SERVERS=127.0.0.1:${this.spec.port}:${this.spec.weight},...`)
    }
    const args = ['-l', '127.0.0.1', '-p', String(this.spec.port), '-m', String(this.spec.memoryMb), '-U', '0', ...(this.spec.flags ?? [])]
    // memcached refuses to run as root unless told which user to be.
    if (process.getuid?.() === 0) args.push('-u', 'root')
    const child = spawn(this.binary, args, { stdio: ['ignore', 'ignore', 'pipe'], env: this.spec.env && { ...process.env, ...this.spec.env } })
    this.#process = child
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
    // Fails when the binary is missing or the process exits before it listens.
    const failed = new Promise<never>((_resolve, reject) => {
      child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(MEMCACHED_MISSING_HELP) : error))
      child.once('exit', (code) => reject(new Error(`memcached on port ${this.spec.port} exited (${code}): ${stderr.trim() || 'no message'}`)))
    })
    failed.catch(() => {})
    await Promise.race([waitForPort(this.spec.port), failed])
  }

  /** Synchronous SIGKILL, for process 'exit' handlers. */
  kill (): void {
    if (this.#process?.exitCode === null) this.#process.kill('SIGKILL')
  }

  /**
   * Stops the process and waits until it is gone. memcached acts on SIGTERM at its next clock tick
   * (up to a second); SIGKILL is immediate and loses nothing a cache must keep, so tests use it.
   */
  async stop (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#process
    this.#process = undefined
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const gone = once(child, 'exit')
    child.kill(signal)
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000)
    await gone
    clearTimeout(timer)
  }
}

export class LocalCluster {
  readonly nodes: LocalNode[]
  constructor (nodes: LocalNode[]) { this.nodes = nodes }

  get servers (): NodeAddress[] {
    return this.nodes.map((n) => n.address)
  }

  /** The nodes as a MEMCACHED_SERVERS value: `host:port:weight,...`. */
  get serversSetting (): string {
    return this.servers.map((s) => `${s.host}:${s.port}:${s.weight}`).join(',')
  }

  async start (): Promise<this> {
    await checkBinary(this.nodes[0]?.binary ?? 'memcached')
    try {
      await Promise.all(this.nodes.map((n) => n.start()))
    } catch (error) {
      await this.stop()
      throw error
    }
    return this
  }

  async stop (signal?: NodeJS.Signals): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop(signal)))
  }

  /** Kills the nodes if this process exits without stopping them (a crash must not orphan them). */
  killOnExit (): this {
    process.once('exit', () => { for (const node of this.nodes) node.kill() })
    return this
  }
}

export interface LocalClusterOptions {
  memoryPerWeightMb?: number
  binary?: string
  /** More memcached flags for every node. */
  flags?: readonly string[]
  /** More environment for the node at `index` (e.g. an aged clock for one of them). */
  envOf?: (index: number) => Readonly<Record<string, string>> | undefined
}

/** Nodes with memory in proportion to weight (`memoryPerWeightMb` per unit of weight). */
export function localCluster (
  nodes: Array<{ port: number, weight: number }>,
  { memoryPerWeightMb = 16, binary = 'memcached', flags = [], envOf }: LocalClusterOptions = {}
): LocalCluster {
  return new LocalCluster(nodes.map(({ port, weight }, index) => new LocalNode({ port, weight, memoryMb: weight * memoryPerWeightMb, flags, env: envOf?.(index) }, binary)))
}

/** The memcached flags that make a node speak only what `protocol` needs: meta nodes refuse binary. */
export function protocolFlags (protocol: 'binary' | 'meta'): string[] {
  return protocol === 'meta' ? ['-B', 'ascii'] : []
}

/** Fails with install instructions when the memcached binary cannot be run. */
async function checkBinary (binary: string): Promise<void> {
  const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    const child = spawn(binary, ['-V'], { stdio: 'ignore' })
    child.once('error', resolve)
    child.once('exit', () => resolve(null))
  })
  if (error?.code === 'ENOENT') throw new Error(MEMCACHED_MISSING_HELP)
  if (error) throw error
}

/** Nodes with the given weights on ports the kernel picks (tests, e2e and benchmarks). */
export async function localClusterOnFreePorts (weights: readonly number[], options?: LocalClusterOptions): Promise<LocalCluster> {
  const nodes = []
  for (const weight of weights) nodes.push({ port: await freePort(), weight })
  return localCluster(nodes, options)
}
