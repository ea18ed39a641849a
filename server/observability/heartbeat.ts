// Keeps node health honest when no request does: a node that died while idle is noticed by no
// one (a closed connection fails only the requests in flight), so /readyz and /metrics would
// call it up. Every HEARTBEAT_MS each node the client believes up gets its cheapest request (a
// no-op, or `version` over binary); one that fails is marked down and from then on probed by the
// client itself (node.ts). A constant four small requests a second per process, whatever the
// traffic and however often /readyz is asked (issue 21: it used to cost four `stats` per request).
import type { MemcacheClient } from '@memcache-session/client'

export const HEARTBEAT_MS = 1000

/** Starts the heartbeat of `client`'s nodes; the returned function stops it. */
export function startHeartbeat (client: MemcacheClient, intervalMs = HEARTBEAT_MS): () => void {
  let running = false
  const timer = setInterval(function beat () {
    // A hung node costs a whole deadline: the next beat waits for this one rather than pile up.
    if (running) return
    running = true
    Promise.all(client.nodes.map((node) => node.up ? node.call((transport) => transport.probe()).catch(() => {}) : undefined))
      .finally(() => { running = false })
      .catch(() => {})
  }, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
