// The playground's memcached pool: its own nodes when PLAYGROUND_MEMCACHED_SERVERS is set (npm
// start and compose run four, weighted 4, 3, 1, 2 like the tutorial's), else the session cluster.
// Two clients on it: A, the learner's `conn`, and B, the tutorial's second terminal, with
// connections of its own. The playground routes and the cluster page share them, so a key the
// playground stored is looked up where it lives.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { MemcacheClient } from '@memcache-session/client'
import { memcacheClientFromConfig } from '../plugins/memcache.ts'
import { tappedTransport } from './wire-tap.ts'

export interface PlaygroundPool {
  a: MemcacheClient
  b: MemcacheClient
  /** True when the playground has no pool of its own and works on the session cluster. */
  shared: boolean
}

declare module 'fastify' {
  interface FastifyInstance {
    /** null with PLAYGROUND=off. */
    playgroundPool: PlaygroundPool | null
  }
}

async function playgroundPoolPlugin (app: FastifyInstance) {
  const { config } = app
  if (!config.playground) {
    app.decorate('playgroundPool', null)
    return
  }
  const servers = config.playgroundMemcachedServers ?? config.memcachedServers
  const pool: PlaygroundPool = {
    // Tapped: a run's requests are recorded for its wire view (wire-tap.ts); nothing else is.
    a: memcacheClientFromConfig(config, servers, tappedTransport),
    b: memcacheClientFromConfig(config, servers, tappedTransport),
    shared: config.playgroundMemcachedServers === null
  }
  app.decorate('playgroundPool', pool)
  app.addHook('onClose', async function closePlaygroundClients () {
    pool.a.close()
    pool.b.close()
  })
}

export default fp(playgroundPoolPlugin, { name: 'playground-pool', dependencies: ['memcache'] })
