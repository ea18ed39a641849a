// Where two copies of sessions land on the tutorial's four nodes (weights 4, 3, 1, 2): the home
// node (python-memcached's choice) and the copy (the next node of the id's route chain), for
// 10,000 random session ids. Memory per node for sessions is its home share plus its copy share.
// No memcached needed: routing only.  node bench/copy-placement.ts  (PLACEMENT_IDS: how many ids)
// Also how long the ids' route chains are: a chain of two nodes keeps one copy while either is
// down, a chain of one node always one.
import { randomBytes } from 'node:crypto'
import { MemcacheClient } from '@memcache-session/client'

const weights = [4, 3, 1, 2]
const client = new MemcacheClient({ servers: weights.map((weight, i) => ({ host: '127.0.0.1', port: 1 + i, weight })), hashing: (process.env.MEMCACHED_HASHING as 'modulo' | 'ketama' | undefined) ?? 'modulo' })
const ids = Array.from({ length: Number(process.env.PLACEMENT_IDS ?? 10_000) }, () => randomBytes(16).toString('hex'))
const home = weights.map(() => 0)
const copy = weights.map(() => 0)
const chainLengths = new Map<number, number>()
for (const id of ids) {
  const chain = client.routeChain(id)
  chainLengths.set(chain.length, (chainLengths.get(chain.length) ?? 0) + 1)
  const [first, second] = chain
  home[first!]!++
  if (second !== undefined) copy[second]!++
}
client.close()
const total = weights.reduce((a, b) => a + b, 0)
const pct = (n: number) => `${(100 * n / ids.length).toFixed(1)}%`
console.log(`hashing: ${client.hashing}, ${ids.length} random ids`)
console.log('| node | weight | home share (expected) | copy share | records held (of one copy\'s total) |')
console.log('|---|---|---|---|---|')
for (const [i, weight] of weights.entries()) {
  console.log(`| ${i} | ${weight} | ${pct(home[i]!)} (${(100 * weight / total).toFixed(0)}%) | ${pct(copy[i]!)} | ${pct(home[i]! + copy[i]!)} |`)
}
console.log(`\nroute chains (distinct nodes an id may live on): ${[...chainLengths].sort((a, b) => a[0] - b[0]).map(([length, count]) => `${length} node${length === 1 ? '' : 's'}: ${count} (${pct(count)})`).join(', ')}`)
