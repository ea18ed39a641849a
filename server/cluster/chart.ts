// Bar-chart geometry for server-rendered SVG: the template draws what this computes, so the page
// needs no chart library and no script.

export interface Bar {
  x: number
  y: number
  width: number
  height: number
  value: number
  label: string
  series: string
}

export interface BarGroup {
  label: string
  x: number
  bars: Bar[]
}

export interface BarChart {
  width: number
  height: number
  plotTop: number
  plotBottom: number
  groups: BarGroup[]
  gridlines: Array<{ y: number, label: string }>
}

export interface ChartInput {
  groups: Array<{ label: string, values: Array<{ series: string, value: number, label: string }> }>
  max: number
  formatTick: (value: number) => string
  width?: number
  height?: number
}

export function barChart ({ groups, max, formatTick, width = 640, height = 260 }: ChartInput): BarChart {
  const plotTop = 16
  const plotBottom = height - 40
  const left = 48
  const groupWidth = (width - left - 8) / Math.max(groups.length, 1)
  const scale = (v: number) => (max > 0 ? (v / max) * (plotBottom - plotTop) : 0)
  const gridlines = [0, 0.2, 0.4, 0.6, 0.8, 1].map((f) => ({ y: plotBottom - f * (plotBottom - plotTop), label: formatTick(f * max) }))
  return {
    width,
    height,
    plotTop,
    plotBottom,
    gridlines,
    groups: groups.map((group, g) => {
      const x = left + g * groupWidth
      const barWidth = (groupWidth * 0.7) / Math.max(group.values.length, 1)
      return {
        label: group.label,
        x: x + groupWidth / 2,
        bars: group.values.map((v, b) => {
          const h = scale(v.value)
          return { x: x + groupWidth * 0.15 + b * barWidth, y: plotBottom - h, width: barWidth - 2, height: h, value: v.value, label: v.label, series: v.series }
        })
      }
    })
  }
}

/** The smallest of 5, 10, 20, 50, 100, 200, ... (times `unit`) at least `value`: an axis top whose fifths read well. */
export function niceMax (value: number, unit = 1): number {
  for (let magnitude = unit; ; magnitude *= 10) {
    for (const m of [5, 10, 20]) if (m * magnitude >= value) return m * magnitude
  }
}
