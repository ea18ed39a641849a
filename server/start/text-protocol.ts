// What the tutorial does with telnet: open a connection to one memcached node, type commands of
// memcached's text protocol (`version`, `stats`, `stats settings`) and read what it answers, line
// by line. Chapter 1 shows the exchange as it went over the wire, so this speaks the text protocol
// itself on node:net (node:tls when the app's nodes use TLS) rather than through the app's client,
// whose binary transport would answer the same questions in other bytes.
import { connect as connectTcp, type Socket } from 'node:net'
import { connect as connectTls, type ConnectionOptions } from 'node:tls'
import type { NodeAddress } from '@memcache-session/client'

/** Commands chapter 1 may send: read-only, each answered by one line or by lines up to END. */
export const TEXT_COMMANDS = ['version', 'stats', 'stats settings'] as const
export type TextCommand = typeof TEXT_COMMANDS[number]

/** The longest answer read from one node (a `stats` is about 4 KiB): past it the node is not believed. */
const MAX_ANSWER_BYTES = 64 * 1024

export interface Exchange {
  command: TextCommand
  /** The lines memcached sent back, without their \r\n. */
  lines: string[]
}

export interface TextSessionOptions {
  timeoutMs: number
  tls?: ConnectionOptions | null
}

/** An answer is complete on `END` (stats), `VERSION …`, or an error line. */
function complete (command: TextCommand, line: string): boolean {
  if (/^(ERROR|CLIENT_ERROR|SERVER_ERROR)\b/.test(line)) return true
  return command === 'version' ? line.startsWith('VERSION ') : line === 'END'
}

/**
 * Sends the commands one after the other on one connection, as a learner types them, and returns
 * each with its answer. Rejects when the node cannot be reached, closes early, or does not finish
 * within `timeoutMs` (the whole exchange), or answers more than 64 KiB.
 */
export function textSession (address: NodeAddress, commands: readonly TextCommand[], { timeoutMs, tls }: TextSessionOptions): Promise<Exchange[]> {
  return new Promise((resolve, reject) => {
    const socket: Socket = tls
      ? connectTls({ ...tls, host: address.host, port: address.port, servername: tls.servername ?? address.host })
      : connectTcp({ host: address.host, port: address.port })
    const exchanges: Exchange[] = []
    let buffered = ''
    let received = 0
    let settled = false
    const finish = (error: Error | null) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      if (error) reject(error)
      else resolve(exchanges)
    }
    const timer = setTimeout(() => finish(new Error(`no complete answer within ${timeoutMs} ms`)), timeoutMs)
    const send = () => {
      const command = commands[exchanges.length]
      if (command === undefined) {
        socket.end('quit\r\n')
        finish(null)
        return
      }
      exchanges.push({ command, lines: [] })
      socket.write(`${command}\r\n`)
    }
    socket.once(tls ? 'secureConnect' : 'connect', send)
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk.length
      if (received > MAX_ANSWER_BYTES) return finish(new Error(`answered more than ${MAX_ANSWER_BYTES / 1024} KiB`))
      buffered += chunk
      let end
      // finish() (in send, after the last answer) stops the loop: nothing is read past it.
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        if (settled) return
        const line = buffered.slice(0, end)
        buffered = buffered.slice(end + 2)
        const current = exchanges.at(-1)
        if (!current) return finish(new Error(`spoke before it was asked: ${line.slice(0, 80)}`))
        current.lines.push(line)
        if (complete(current.command, line)) send()
      }
    })
    socket.once('error', (error) => finish(error))
    socket.once('close', () => finish(new Error('the node closed the connection')))
  })
}

/** `STAT name value` lines as name → value. */
export function statLines (lines: readonly string[]): Record<string, string> {
  const stats: Record<string, string> = Object.create(null)
  for (const line of lines) {
    const match = /^STAT (\S+) (.*)$/.exec(line)
    if (match) stats[match[1]!] = match[2]!
  }
  return stats
}
