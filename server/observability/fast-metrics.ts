// A Prometheus histogram and counter for the hot path: prom-client's `observe(labels, value)` and
// `inc(labels)` validate the labels and hash them into a string on every call (about a
// microsecond for a histogram; a page view makes several, bench/instrumentation-cost.ts). Here a
// series is found by its label values (nested Maps, no string built) and an observation is a
// bucket search and two additions. prom-client still formats the scrape: its registry takes any
// object with a name, help, type and get() that answers in its metrics' shape.
import type { Registry } from 'prom-client'

export interface HistogramSeries {
  observe (value: number): void
}

interface Series extends HistogramSeries {
  labels: Record<string, string>
  counts: Float64Array
  sum: number
  count: number
}

type Tree<S> = Map<string, Tree<S> | S>

/** The series under `values` in `tree`, made by `make` on first use. */
function find<S> (tree: Tree<S>, values: readonly string[], make: () => S): S {
  let node: Tree<S> = tree
  for (let i = 0; i < values.length - 1; i++) {
    let next = node.get(values[i]!) as Tree<S> | undefined
    if (!next) node.set(values[i]!, next = new Map())
    node = next
  }
  const last = values[values.length - 1]!
  let series = node.get(last) as S | undefined
  if (!series) node.set(last, series = make())
  return series
}

const labelsOf = (names: readonly string[], values: readonly string[]) => Object.fromEntries(names.map((name, i) => [name, values[i]!]))

export interface CounterSeries {
  inc (by?: number): void
}

export class FastCounter {
  readonly name: string
  readonly help: string
  readonly type = 'counter'
  readonly aggregator = 'sum'
  readonly #labelNames: readonly string[]
  readonly #tree: Tree<CounterSeries & { labels: Record<string, string>, value: number }> = new Map()
  readonly #series: Array<{ labels: Record<string, string>, value: number }> = []

  constructor (options: { name: string, help: string, labelNames?: readonly string[], registers: readonly Registry[] }) {
    this.name = options.name
    this.help = options.help
    this.#labelNames = options.labelNames ?? []
    // A counter without labels is there from the start, at 0, for rate() to see its first increase.
    if (this.#labelNames.length === 0) this.series()
    for (const registry of options.registers) registry.registerMetric(this as never)
  }

  /** The series of these label values (in the order of `labelNames`; none for a counter without labels). */
  series (...values: string[]): CounterSeries {
    return find(this.#tree, values.length > 0 ? values : [''], () => {
      const series = { labels: labelsOf(this.#labelNames, values), value: 0, inc (by = 1) { series.value += by } }
      this.#series.push(series)
      return series
    })
  }

  get () {
    return { name: this.name, help: this.help, type: this.type, values: this.#series.map(({ labels, value }) => ({ labels, value })), aggregator: this.aggregator }
  }
}

export class FastHistogram {
  readonly name: string
  readonly help: string
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  readonly #labelNames: readonly string[]
  readonly #bounds: readonly number[]
  readonly #tree: Tree<Series> = new Map()
  readonly #series: Series[] = []

  constructor (options: { name: string, help: string, labelNames: readonly string[], buckets: readonly number[], registers: readonly Registry[] }) {
    this.name = options.name
    this.help = options.help
    this.#labelNames = options.labelNames
    this.#bounds = [...options.buckets].sort((a, b) => a - b)
    for (const registry of options.registers) registry.registerMetric(this as never)
  }

  /** The series of these label values (in the order of `labelNames`), made on first use. */
  series (...values: string[]): HistogramSeries {
    return find(this.#tree, values, () => this.#newSeries(values))
  }

  #newSeries (values: readonly string[]): Series {
    const bounds = this.#bounds
    const series: Series = {
      labels: labelsOf(this.#labelNames, values),
      // One count per bound, and one past the last (+Inf).
      counts: new Float64Array(bounds.length + 1),
      sum: 0,
      count: 0,
      observe (value) {
        let i = 0
        while (i < bounds.length && value > bounds[i]!) i++
        series.counts[i]!++
        series.sum += value
        series.count++
      }
    }
    this.#series.push(series)
    return series
  }

  /** What prom-client's registry formats: cumulative buckets, then the sum and the count. */
  get () {
    const values: Array<{ labels: Record<string, string | number>, value: number, metricName: string }> = []
    for (const series of this.#series) {
      let cumulative = 0
      for (let i = 0; i <= this.#bounds.length; i++) {
        cumulative += series.counts[i]!
        values.push({ labels: { ...series.labels, le: i < this.#bounds.length ? this.#bounds[i]! : '+Inf' }, value: cumulative, metricName: `${this.name}_bucket` })
      }
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` })
      values.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator }
  }
}
