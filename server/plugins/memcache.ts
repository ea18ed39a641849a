// The cluster client, made from the config and closed with the app. `memcacheClientFromConfig` is
// the one place a MemcacheClient is built from the config (the playground builds its own with it).
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { MemcacheClient, metaTransport, type NodeAddress, type TransportFactory } from '@memcache-session/client'
import { binaryTransport } from '@memcache-session/client/binary'
import type { Config } from '../config.ts'

declare module 'fastify' {
  interface FastifyInstance {
    memcache: MemcacheClient
  }
}

type ClientConfig = Pick<Config, 'memcachedServers' | 'memcachedTimeoutMs' | 'memcachedProbeMinMs' | 'memcachedProbeMaxMs' | 'memcachedHashing' | 'memcachedProtocol' | 'memcachedTls'>

/**
 * A client with the config's deadline, probing, hashing, protocol and TLS, for `servers` (default:
 * the session cluster); `wrap` decorates its transport (the playground records its wire lines).
 */
export function memcacheClientFromConfig (config: ClientConfig, servers: readonly NodeAddress[] | null = config.memcachedServers, wrap: (transport: TransportFactory) => TransportFactory = (t) => t): MemcacheClient {
  if (!servers) throw new Error('memcacheClientFromConfig needs servers (server/main.ts starts local nodes when MEMCACHED_SERVERS is unset)')
  return new MemcacheClient({
    servers,
    timeoutMs: config.memcachedTimeoutMs,
    probeMinMs: config.memcachedProbeMinMs,
    probeMaxMs: config.memcachedProbeMaxMs,
    hashing: config.memcachedHashing,
    transport: wrap(config.memcachedProtocol === 'binary' ? binaryTransport : metaTransport),
    tls: config.memcachedTls
  })
}

async function memcachePlugin (app: FastifyInstance) {
  const client = memcacheClientFromConfig(app.config)
  app.decorate('memcache', client)
  app.addHook('onReady', async function greetNodes () {
    // Say at start which nodes cannot be reached and why (refused, TLS certificate not trusted or
    // for another name...): a node that is down keeps being tried, the app starts anyway.
    await Promise.all(client.nodes.map(async (node) => {
      try {
        await node.call((transport) => transport.probe())
      } catch (error) {
        app.log.error({ node: node.label, protocol: client.protocol, tls: node.transport.tls }, `memcached ${node.label} cannot be reached: ${(error as Error).message}`)
      }
    }))
  })
  app.addHook('onClose', async function closeMemcache () { client.close() })
}

export default fp(memcachePlugin, { name: 'memcache' })
