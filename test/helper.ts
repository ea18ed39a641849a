// Shared test setup: real memcached processes on free ports, stopped when the test ends.
import type { TestContext } from 'node:test'
import { freePort, localCluster, type LocalCluster } from '../server/memcache/local-cluster.ts'
import { MemcacheClient, type ClientOptions } from '../server/memcache/client.ts'

/** The tutorial's weights. */
export const WEIGHTS = [4, 3, 1, 2]

type Hooks = Pick<TestContext, 'after'>

export async function startCluster (t: Hooks, weights = WEIGHTS): Promise<LocalCluster> {
  const nodes = []
  for (const weight of weights) nodes.push({ port: await freePort(), weight })
  const cluster = await localCluster(nodes, { memoryPerWeightMb: 8 }).start()
  t.after(() => cluster.stop('SIGKILL'))
  return cluster
}

export function makeClient (t: Hooks, cluster: LocalCluster, options: Partial<ClientOptions> = {}): MemcacheClient {
  const client = new MemcacheClient({ servers: cluster.servers, ...options })
  t.after(() => client.close())
  return client
}

/** Polls `check` every 10 ms until it returns true (for conditions that have no event to await). */
export async function eventually (check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
