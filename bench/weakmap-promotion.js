// `node --trace-gc bench/weakmap-promotion.js weakmap|property`: objects that die young, each
// remembered either in a WeakMap whose value points back at its key (as the session plugin once
// kept a request's opened session, bench/README.md's fourth pass) or in a property of its own.
// Prints the full mark-compacts and scavenges V8 ran: with the WeakMap every object survives the
// young generation's collections and only full ones free them; with the property none does.
import { getHeapSpaceStatistics } from 'node:v8'

const mode = process.argv[2] === 'property' ? 'property' : 'weakmap'
const remembered = new WeakMap()
const mark = Symbol('remembered')
let fulls = 0
let scavenges = 0
const { PerformanceObserver, constants } = await import('node:perf_hooks')
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR) fulls++
    if (entry.detail.kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++
  }
}).observe({ entryTypes: ['gc'] })

function batch (left) {
  for (let i = 0; i < 2000; i++) {
    const object = { payload: new Array(50).fill(i) }
    if (mode === 'weakmap') remembered.set(object, { object })
    else object[mark] = { object }
  }
  if (left > 0) {
    setImmediate(batch, left - 1)
    return
  }
  setTimeout(() => {
    const old = getHeapSpaceStatistics().find((s) => s.space_name === 'old_space').space_used_size
    console.log(`${mode}: ${fulls} mark-compacts, ${scavenges} scavenges, old space ${(old / 1e6).toFixed(1)} MB at the end`)
  }, 100)
}
batch(3000)
