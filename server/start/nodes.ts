// Chapter 1's facts about every running node, asked of the node itself over the text protocol:
// its command line rebuilt from `stats settings`, its pid, and how many of its -c connections are
// open. And "check it": the tutorial's telnet session (`version`, `stats`) against one node.
//
// Anyone may reload the page, so answers are shared: at most one exchange per node is under way,
// and its answer serves every request for a second (no visitor's data is in it).
import type { ConnectionOptions } from 'node:tls'
import type { NodeAddress } from '@memcache-session/client'
import { commandLine, rebuildFlags, type RebuiltFlag } from './command-line.ts'
import { statLines, textSession, type Exchange, type TextCommand } from './text-protocol.ts'

export const ANSWER_MAX_AGE_MS = 1_000

export interface Pool {
  /** 'sessions' or 'playground'. */
  name: string
  title: string
  nodes: readonly NodeAddress[]
}

export interface NodeReport {
  index: number
  address: string
  weight: number
  /** null when the node did not answer. */
  flags: RebuiltFlag[] | null
  commandLine: string | null
  pid: string | null
  version: string | null
  uptimeSeconds: number | null
  connections: number | null
  maxConnections: number | null
  error: string | null
}

export interface PoolReport { name: string, title: string, nodes: NodeReport[] }

export interface NodeAsker {
  /** Every node of every pool, from `stats settings` and `stats`. */
  reports (): Promise<PoolReport[]>
  /** The tutorial's telnet check (`version`, `stats`) on one node of a pool. */
  check (pool: string, index: number): Promise<{ address: NodeAddress, exchanges: Exchange[] | null, error: string | null }>
}

export function nodeAsker (pools: readonly Pool[], options: { timeoutMs: number, tls: ConnectionOptions | null }): NodeAsker {
  const answers = new Map<string, { at: number, answer: Promise<Exchange[]> }>()
  /** One exchange per node and command list at a time, kept for ANSWER_MAX_AGE_MS. */
  function ask (address: NodeAddress, commands: readonly TextCommand[]): Promise<Exchange[]> {
    const id = `${address.host}:${address.port} ${commands.join(',')}`
    const cached = answers.get(id)
    if (cached && Date.now() - cached.at < ANSWER_MAX_AGE_MS) return cached.answer
    const answer = textSession(address, commands, options)
    answers.set(id, { at: Date.now(), answer })
    // A failed exchange is not kept longer than it takes to fail: the next request asks again.
    answer.catch(() => { if (answers.get(id)?.answer === answer) answers.delete(id) })
    return answer
  }

  async function report (address: NodeAddress, index: number): Promise<NodeReport> {
    const base = { index, address: `${address.host}:${address.port}`, weight: address.weight }
    try {
      const [settings, stats] = (await ask(address, ['stats settings', 'stats'])).map((e) => statLines(e.lines))
      const flags = rebuildFlags(settings!)
      const number = (value: string | undefined) => (value === undefined ? null : Number(value))
      return {
        ...base,
        flags,
        commandLine: commandLine(flags),
        pid: stats!.pid ?? null,
        version: stats!.version ?? null,
        uptimeSeconds: number(stats!.uptime),
        connections: number(stats!.curr_connections),
        maxConnections: number(settings!.maxconns),
        error: null
      }
    } catch (error) {
      return { ...base, flags: null, commandLine: null, pid: null, version: null, uptimeSeconds: null, connections: null, maxConnections: null, error: (error as Error).message }
    }
  }

  return {
    reports: () => Promise.all(pools.map(async (pool) => ({ name: pool.name, title: pool.title, nodes: await Promise.all(pool.nodes.map(report)) }))),
    async check (poolName, index) {
      const address = pools.find((p) => p.name === poolName)?.nodes[index]
      if (!address) throw new RangeError(`no node ${index} in pool ${poolName}`)
      try {
        return { address, exchanges: await ask(address, ['version', 'stats']), error: null }
      } catch (error) {
        return { address, exchanges: null, error: (error as Error).message }
      }
    }
  }
}
