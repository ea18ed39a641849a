// The deadline of one request to one node, blaming the node only when the node is at fault.
//
// A timer that fires well after its time means this process's event loop was blocked (a long
// synchronous task, a GC pause, a loaded machine), not that the node was slow; and a node whose
// answer is still arriving (its byte count grew since the deadline was armed) is answering. In
// both cases the request gets another full deadline, a few times at most; only a node that sent
// nothing for a whole deadline while this process was listening is declared late.
import { performance } from 'node:perf_hooks'

/** A timer this much later than asked means the event loop was blocked. */
const LATE_TIMER_MS = 50
/** How many extra deadlines a request may get for a late timer or an answer still arriving. */
const MAX_EXTENSIONS = 4

export interface Deadline {
  cancel (): void
}

/**
 * Calls `onExpire` once `ms` passed without the node being excused. `bytesIn` reads a counter of
 * the bytes received from the node (any request's), the proof of progress.
 */
export function startDeadline (ms: number, bytesIn: () => number, onExpire: () => void): Deadline {
  let timer: NodeJS.Timeout | undefined
  let immediate: NodeJS.Immediate | undefined
  let extensions = 0
  let bytesAtArm = 0
  let dueAt = 0
  const arm = () => {
    bytesAtArm = bytesIn()
    dueAt = performance.now() + ms
    timer = setTimeout(fire, ms)
  }
  const fire = () => {
    const late = performance.now() - dueAt
    // Let this turn's I/O be read first: an answer that arrived while the loop was blocked sits
    // in the socket, and the timers phase runs before the poll phase that reads it.
    immediate = setImmediate(() => {
      const excused = late > LATE_TIMER_MS || bytesIn() > bytesAtArm
      if (excused && extensions < MAX_EXTENSIONS) {
        extensions++
        arm()
      } else {
        onExpire()
      }
    })
  }
  arm()
  return {
    cancel () {
      clearTimeout(timer)
      if (immediate) clearImmediate(immediate)
    }
  }
}
