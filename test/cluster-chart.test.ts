import { test } from 'node:test'
import assert from 'node:assert/strict'
import { barChart, niceMax } from '../server/cluster/chart.ts'

test('niceMax picks an axis top whose fifths read well', () => {
  assert.deepEqual([0, 1, 5, 6, 11, 27, 51, 180, 999].map((v) => niceMax(v)), [5, 5, 5, 10, 20, 50, 100, 200, 1000])
  assert.equal(niceMax(0.4, 0.1), 0.5)
  assert.equal(niceMax(0.51, 0.1), 1)
})

test('bars are scaled to the axis and sit on the baseline', () => {
  const chart = barChart({ groups: [{ label: 'a', values: [{ series: 's', value: 5, label: '5' }] }, { label: 'b', values: [{ series: 's', value: 10, label: '10' }] }], max: 10, formatTick: String })
  const [a, b] = chart.groups.map((g) => g.bars[0]!)
  assert.equal(b!.height, chart.plotBottom - chart.plotTop)
  assert.equal(a!.height * 2, b!.height)
  assert.equal(a!.y + a!.height, chart.plotBottom)
  assert.deepEqual(chart.gridlines.map((g) => g.label), ['0', '2', '4', '6', '8', '10'])
})
