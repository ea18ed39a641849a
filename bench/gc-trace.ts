// `npm run bench:gc -- label=checkout[,ENV=value...] ...`: what garbage collection does under a
// page-view load, per build, one at a time on the same four nodes (builds as in bench:compare,
// bench/builds.ts). Each build runs under `node --trace-gc`; after a 3 s warm-up, 8 s of GET and
// then of POST at 32 connections over 256 sessions. Prints, per route, the server's CPU per request
// split by thread (the main thread, and V8's workers: parallel scavenging, concurrent marking and
// compiling), then, over the whole run, the scavenges and full mark-compacts and the heap's range
// after each scavenge. How bench/README.md's fourth pass found its cause.
import { readdirSync, readFileSync } from 'node:fs'
import { localClusterOnFreePorts } from '../tools/local-cluster.ts'
import { parseBuild, spawnBuild } from './builds.ts'
import { load, visitorWith, type Visitor } from './measure.ts'

const CLOCK_TICKS_US = 10_000 // one USER_HZ tick (1/100 s) in µs

/** CPU µs used by each thread of `pid`, the main thread as 'main', others by name, summed. */
function threadCpu (pid: number): Map<string, number> {
  const byName = new Map<string, number>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const name = tid === String(pid) ? 'main' : readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
    const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) * CLOCK_TICKS_US)
  }
  return byName
}

const cluster = await (await localClusterOnFreePorts([4, 3, 1, 2])).killOnExit().start()
for (const build of process.argv.slice(2).map(parseBuild)) {
  const { child, url } = await spawnBuild(build, cluster.serversSetting, { nodeArgs: ['--trace-gc'], stdout: 'pipe' })
  let trace = ''
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { trace += chunk })
  const visitors: Visitor[] = []
  for (let i = 0; i < 256; i++) visitors.push(await visitorWith(url))
  for (const route of ['GET', 'POST'] as const) {
    await load(url, route, visitors, { duration: 3 })
    const before = threadCpu(child.pid!)
    const r = await load(url, route, visitors, { duration: 8 })
    const parts = [...threadCpu(child.pid!)].map(([name, us]) => [name, (us - (before.get(name) ?? 0)) / r.requests] as const).filter(([, us]) => us >= 0.5)
    const total = parts.reduce((sum, [, us]) => sum + us, 0)
    console.log(`${build.label} ${route}: ${total.toFixed(0)} µs CPU per request (${parts.map(([name, us]) => `${name} ${us.toFixed(1)}`).join(', ')})`)
  }
  child.kill('SIGKILL')
  const lines = trace.split('\n')
  const after = lines.filter((l) => l.includes('Scavenge')).map((l) => Number(/-> ([\d.]+) \(/.exec(l)?.[1]))
  const fulls = lines.filter((l) => l.includes('Mark-Compact')).length
  console.log(`${build.label}: ${after.length} scavenges, ${fulls} mark-compacts; heap after a scavenge ${Math.min(...after).toFixed(0)}-${Math.max(...after).toFixed(0)} MB\n`)
}
await cluster.stop()
process.exit(0)
