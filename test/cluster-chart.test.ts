import { test } from 'node:test'
import assert from 'node:assert/strict'
import { barChart, CHART_FONT, niceMax } from '../server/cluster/chart.ts'

test('niceMax picks an axis top whose fifths read well', () => {
  assert.deepEqual([0, 1, 5, 6, 11, 27, 51, 180, 999].map((v) => niceMax(v)), [5, 5, 5, 10, 20, 50, 100, 200, 1000])
  assert.equal(niceMax(0.4, 0.1), 0.5)
  assert.equal(niceMax(0.51, 0.1), 1)
})

test('bars grow from the left edge, scaled to the axis, and a value past the top is capped', () => {
  const chart = barChart({
    groups: [
      { label: 'a', values: [{ series: 's', value: 5, label: '5' }] },
      { label: 'b', values: [{ series: 's', value: 10, label: '10' }] },
      { label: 'c', values: [{ series: 's', value: 30, label: 'thirty', text: '30!' }] }
    ],
    max: 10,
    formatTick: String
  })
  const [a, b, c] = chart.groups.map((g) => g.bars[0]!)
  assert.equal(b!.width, chart.plotRight - chart.plotLeft)
  assert.equal(a!.width * 2, b!.width)
  assert.equal(c!.width, b!.width)
  for (const bar of [a!, b!, c!]) assert.equal(bar.x, chart.plotLeft)
  assert.equal(a!.text, '5') // the label doubles as the text beside the bar
  assert.equal(c!.text, '30!')
  assert.deepEqual(chart.gridlines.map((g) => g.label), ['0', '2', '4', '6', '8', '10'])
  assert.equal(chart.gridlines[0]!.x, chart.plotLeft)
  assert.equal(chart.gridlines.at(-1)!.x, chart.plotRight)
})

test('rows stack without overlap: each group label sits above its bars, and the axis fits below', () => {
  const chart = barChart({
    groups: [0, 1, 2, 3].map((g) => ({ label: `node ${g}`, values: [{ series: 'x', value: g, label: 'x' }, { series: 'y', value: 1, label: 'y' }] })),
    max: 5,
    formatTick: String
  })
  let bottom = chart.plotTop
  for (const group of chart.groups) {
    assert.ok(group.labelY - CHART_FONT >= bottom, 'label below the previous row')
    for (const bar of group.bars) {
      assert.ok(bar.y >= group.labelY, 'bar below its label')
      assert.ok(bar.y >= bottom)
      bottom = bar.y + bar.height
    }
  }
  assert.ok(chart.plotBottom >= bottom)
  assert.ok(chart.height > chart.plotBottom + CHART_FONT, 'room for the tick labels')
  assert.ok(chart.plotRight < chart.width, 'room for the value beside the longest bar')
})
