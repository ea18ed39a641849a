// The cluster client, made from the config and closed with the app.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { MemcacheClient } from '../memcache/client.ts'
import type { NodeAddress } from '../memcache/node.ts'
import type { Hashing } from '../memcache/ketama.ts'
import type { ConnectionOptions } from 'node:tls'
import type { MemcachedProtocol } from '../config.ts'

declare module 'fastify' {
  interface FastifyInstance {
    memcache: MemcacheClient
  }
}

export interface MemcachePluginOptions {
  servers: NodeAddress[]
  timeoutMs: number
  deadRetryMs: number
  hashing: Hashing
  protocol: MemcachedProtocol
  tls: ConnectionOptions | null
}

async function memcachePlugin (app: FastifyInstance, options: MemcachePluginOptions) {
  const client = new MemcacheClient(options)
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
