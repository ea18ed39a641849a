// Each memcached node's health as the client holds it (packages/client/src/node.ts: up, last
// error, down since, next probe), read without asking memcached anything. /readyz, /metrics and
// the cluster page all read it here, so they never disagree about which node is down.
import type { MemcacheClient } from '@memcache-session/client'

export interface NodeHealth {
  node: string
  up: boolean
  /** Why it last failed; null while it answers. */
  error: string | null
  /** Since when it is down (ms since the epoch); null while up. */
  downSince: number | null
  /** When the client probes it next (ms since the epoch); null while up, and while a probe is on its way. */
  nextProbeAt: number | null
}

export function nodeHealth (client: MemcacheClient): NodeHealth[] {
  return client.nodes.map((node) => ({
    node: node.label,
    up: node.up,
    error: node.up ? null : node.lastError ?? 'down',
    downSince: node.downSince || null,
    nextProbeAt: node.nextProbeAt || null
  }))
}
