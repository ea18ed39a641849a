// Bar-chart geometry for server-rendered SVG: the template draws what this computes, so the page
// needs no chart library and no script. The bars run horizontally, one row per node with its
// label above, in a narrow viewBox: on a phone the SVG is drawn at about 0.8 of its size and at
// most 1.2 on a desktop (the stylesheet caps its width), so 14-unit text reads at 11-17 px.

export interface Bar {
  x: number
  y: number
  width: number
  height: number
  value: number
  /** The bar's full description (its SVG title). */
  label: string
  /** What is written beside the bar. */
  text: string
  series: string
}

export interface BarGroup {
  label: string
  /** Baseline of the group's label text. */
  labelY: number
  bars: Bar[]
}

export interface BarChart {
  width: number
  height: number
  plotLeft: number
  plotRight: number
  plotTop: number
  plotBottom: number
  groups: BarGroup[]
  gridlines: Array<{ x: number, label: string }>
}

export interface ChartInput {
  groups: Array<{ label: string, values: Array<{ series: string, value: number, label: string, text?: string }> }>
  max: number
  formatTick: (value: number) => string
  width?: number
}

export const CHART_FONT = 14
const LABEL_ROW = 20
const BAR = 16
const BAR_GAP = 3
const GROUP_GAP = 10
/** Room right of the longest bar for its value label. */
const VALUE_ROOM = 92
const AXIS_ROOM = 24

export function barChart ({ groups, max, formatTick, width = 400 }: ChartInput): BarChart {
  const plotLeft = 4
  const plotRight = width - VALUE_ROOM
  const plotTop = 4
  const scale = (v: number) => (max > 0 ? (Math.min(v, max) / max) * (plotRight - plotLeft) : 0)
  let y = plotTop
  const laidOut = groups.map((group) => {
    const labelY = y + CHART_FONT
    y += LABEL_ROW
    const bars = group.values.map((v) => {
      const bar = { x: plotLeft, y, width: scale(v.value), height: BAR, value: v.value, label: v.label, text: v.text ?? v.label, series: v.series }
      y += BAR + BAR_GAP
      return bar
    })
    y += GROUP_GAP
    return { label: group.label, labelY, bars }
  })
  const plotBottom = y
  const gridlines = [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => ({ x: plotLeft + f * (plotRight - plotLeft), label: formatTick(f * max) }))
  return { width, height: plotBottom + AXIS_ROOM, plotLeft, plotRight, plotTop, plotBottom, groups: laidOut, gridlines }
}

/** The smallest of 5, 10, 20, 50, 100, 200, ... (times `unit`) at least `value`: an axis top whose fifths read well. */
export function niceMax (value: number, unit = 1): number {
  for (let magnitude = unit; ; magnitude *= 10) {
    for (const m of [5, 10, 20]) if (m * magnitude >= value) return m * magnitude
  }
}
