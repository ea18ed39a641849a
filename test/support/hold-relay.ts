// A TCP relay in front of one real memcached node that passes everything through until `hold()`:
// from then on what the client sends waits in the relay (the node sees nothing of it) until
// `release()` passes it on, in order. A link that stalls for a while and then delivers: a slow
// network, or an app process paused (GC, a busy event loop) with a request written. The node
// behind it is real, and answers everything it gets.
import type { TestContext } from 'node:test'
import { startRelay } from './relay.ts'

export interface HoldRelay {
  port: number
  hold (): void
  release (): void
}

export async function startHoldRelay (t: Pick<TestContext, 'after'>, targetPort: number): Promise<HoldRelay> {
  let held: Array<() => void> | null = null
  const { port } = await startRelay(t, targetPort, (client, upstream) => {
    client.on('data', (chunk: Buffer) => {
      if (held) held.push(() => upstream.write(chunk))
      else upstream.write(chunk)
    })
    upstream.on('data', (chunk: Buffer) => { client.write(chunk) })
  })
  return {
    port,
    hold () { held ??= [] },
    release () {
      const pending = held ?? []
      held = null
      for (const send of pending) send()
    }
  }
}
