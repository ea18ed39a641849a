// What must hold on every page, in either language: axe-core finds nothing, nothing overflows its
// card, the header stays on one line, chart text stays legible; then a screenshot of the page is
// attached to the report for a reviewer to look at.
import AxeBuilder from '@axe-core/playwright'
import type { Page, TestInfo } from '@playwright/test'
import { expect } from './fixtures.ts'

/** What must hold on every page: checked, then the page is photographed. */
export async function checkPage (page: Page, testInfo: TestInfo, name: string) {
  const axe = await new AxeBuilder({ page }).analyze()
  expect(axe.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe on ${name}`).toEqual([])

  const layout = await page.evaluate(() => {
    const problems: string[] = []
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''}`
    const root = document.documentElement
    if (root.scrollWidth > root.clientWidth) {
      const wide = Array.from(document.body.querySelectorAll('*')).filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
      problems.push(`page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}, because of ${wide.slice(-3).map(describe).join(', ')}`)
    }
    for (const card of Array.from(document.querySelectorAll('.card'))) {
      if (card.scrollWidth > card.clientWidth) problems.push(`${describe(card)} overflows: ${card.scrollWidth} > ${card.clientWidth}`)
      const box = card.getBoundingClientRect()
      for (const el of Array.from(card.querySelectorAll('table, svg, pre, ol, ul, dl, form, p, code, input, textarea, button'))) {
        const r = el.getBoundingClientRect()
        if (r.width === 0) continue // hidden
        if (r.right > box.right + 0.5 || r.left < box.left - 0.5) problems.push(`${describe(el)} sticks out of ${describe(card)}: ${r.left}-${r.right} vs ${box.left}-${box.right}`)
        if (!(el instanceof SVGElement) && el.tagName !== 'INPUT' && el.tagName !== 'TEXTAREA' && el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0) problems.push(`${describe(el)} clips its content: ${el.scrollWidth} > ${el.clientWidth}`)
      }
    }
    // Chart text: rendered at least 11 px, and inside the chart.
    const chartText: number[] = []
    for (const svg of Array.from(document.querySelectorAll<SVGSVGElement>('svg.chart'))) {
      const frame = svg.getBoundingClientRect()
      const scale = frame.width / svg.viewBox.baseVal.width
      for (const text of Array.from(svg.querySelectorAll('text'))) {
        chartText.push(parseFloat(getComputedStyle(text).fontSize) * scale)
        const r = text.getBoundingClientRect()
        if (r.right > frame.right + 0.5 || r.left < frame.left - 0.5 || r.bottom > frame.bottom + 0.5) problems.push(`chart text "${text.textContent}" is cut off`)
      }
    }
    // The header: no link wrapped, and the numbered chapters on one row (beside the brand on a
    // desktop, under it on a phone).
    const links = Array.from(document.querySelectorAll('header.site a'))
    for (const a of links) if (a.getClientRects().length !== 1) problems.push(`header link "${a.textContent}" wraps`)
    const chapters = Array.from(document.querySelectorAll('header.site ol.chapters a'))
    const top = chapters[0]!.getBoundingClientRect().top
    for (const a of chapters) if (Math.abs(a.getBoundingClientRect().top - top) > 8) problems.push(`chapter link "${a.textContent}" is on another row`)
    return { problems, smallestChartText: chartText.length ? Math.min(...chartText) : null }
  })
  expect(layout.problems, `layout of ${name}`).toEqual([])
  if (layout.smallestChartText !== null) expect(layout.smallestChartText, `chart text on ${name}`).toBeGreaterThanOrEqual(11)

  const path = testInfo.outputPath(`${name}.png`)
  await page.screenshot({ path, fullPage: true })
  await testInfo.attach(name, { path, contentType: 'image/png' })
}
