// One real memcached process on a free port, killed when the test ends: for the tests of one
// node's transport (the cluster suites use nodes.ts). `stopped` waits for a SIGSTOP to land.
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
import type { TestContext } from 'node:test'
import { freePort } from '../../tools/ports.ts'

/** memcached on 127.0.0.1 with `args` (e.g. `-B ascii`), up and accepting connections. */
export async function memcachedProcess (t: Pick<TestContext, 'after'>, args: string[]): Promise<{ port: number, child: ChildProcess }> {
  const port = await freePort()
  const child = spawn('memcached', ['-l', '127.0.0.1', '-p', String(port), '-U', '0', '-u', 'root', ...args], { stdio: 'ignore' })
  t.after(() => { child.kill('SIGKILL') })
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true) }).once('error', () => resolve(false))
    })
    if (up) return { port, child }
    if (child.exitCode !== null) throw new Error(`memcached ${args.join(' ')} exited`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A SIGSTOP lands asynchronously: wait until the kernel shows every thread of the process stopped. */
export async function stopped (pid: number): Promise<void> {
  const states = () => readdirSync(`/proc/${pid}/task`).map((task) => readFileSync(`/proc/${pid}/task/${task}/stat`, 'latin1').split(') ')[1]![0])
  while (!states().every((state) => state === 'T')) await new Promise((resolve) => setImmediate(resolve))
}
