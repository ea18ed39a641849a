// Real memcached processes on free ports for the suites (the app's and the packages'), stopped
// when the test ends, and a client on them that speaks the protocol of the run.
import type { TestContext } from 'node:test'
import { readFileSync } from 'node:fs'
import { makeCertificate, type Certificate } from './tls.ts'
import { localClusterOnFreePorts, protocolFlags, type LocalCluster } from '../../tools/local-cluster.ts'
import { MemcacheClient, metaTransport, type ClientOptions, type MemcachedProtocol } from '@memcache-session/client'
import { binaryTransport } from '@memcache-session/client/binary'

/** The tutorial's weights. */
export const WEIGHTS = [4, 3, 1, 2]

/**
 * The protocol the suites speak: `npm test` runs the client, session and interop suites once per
 * protocol (meta, the default, then MEMCACHED_PROTOCOL=binary). Meta runs on nodes that refuse binary.
 */
export const PROTOCOL: MemcachedProtocol = process.env.MEMCACHED_PROTOCOL === 'binary' && process.env.MEMCACHED_TLS !== 'on' ? 'binary' : 'meta'

/** MEMCACHED_TLS=on: the nodes serve a throwaway certificate (-Z) and every client trusts it. */
const TLS: Certificate | null = process.env.MEMCACHED_TLS === 'on' ? makeCertificate('memcached') : null

/** The variables that make an app speak to the test nodes as the tests do. */
export const MEMCACHED_ENV: Record<string, string> = TLS
  ? { MEMCACHED_PROTOCOL: 'meta', MEMCACHED_TLS: 'on', MEMCACHED_TLS_CA: TLS.certFile }
  : { MEMCACHED_PROTOCOL: PROTOCOL }

export type Hooks = Pick<TestContext, 'after'>

/** Nodes that speak the run's protocol, or `protocol` for a suite that needs one (memjs's own). */
export async function startCluster (t: Hooks, weights = WEIGHTS, protocol: MemcachedProtocol = PROTOCOL): Promise<LocalCluster> {
  const flags = [...protocolFlags(protocol), ...(TLS?.memcachedFlags ?? [])]
  const cluster = await (await localClusterOnFreePorts(weights, { memoryPerWeightMb: 8, flags })).start()
  t.after(() => cluster.stop('SIGKILL'))
  return cluster
}

export function makeClient (t: Hooks, cluster: LocalCluster, options: Partial<ClientOptions> = {}): MemcacheClient {
  const transport = PROTOCOL === 'binary' ? binaryTransport : metaTransport
  const client = new MemcacheClient({ servers: cluster.servers, transport, tls: TLS && { ca: readFileSync(TLS.certFile) }, ...options })
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
