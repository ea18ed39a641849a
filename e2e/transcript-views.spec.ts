// Each transcript switches between Python, TypeScript (this project's client) and the wire: with
// no script (radio buttons the stylesheet reads, one transcript at a time), and with the script
// (one choice for every transcript, remembered for the next page).
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { test, expect } from './fixtures.ts'

async function runSet (page: Page, key: string, value: string) {
  const card = page.locator('section#set')
  await card.getByLabel('Key').fill(key)
  await card.getByLabel('Value').fill(value)
  await card.getByRole('button', { name: 'Run set' }).click()
  return card
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a card\'s result as Python, TypeScript and the wire', async ({ page }) => {
    await page.goto('/memcache')
    const card = await runSet(page, 'views', "'hello'")
    const result = card.getByRole('status')
    const views = card.getByRole('group', { name: 'Show as' })
    await expect(views.getByRole('radio', { name: 'Python' })).toBeChecked()
    await expect(result.locator('pre:visible')).toHaveText(">>> conn.set('views', 'hello')\nTrue\n")

    await views.getByText('TypeScript', { exact: true }).click()
    await expect(result.locator('pre:visible')).toHaveText("> await conn.set('views', 'hello')\ntrue\n")

    await views.getByText('Wire', { exact: true }).click()
    const wire = result.locator('pre:visible')
    await expect(wire).toContainText(/# to 127\.0\.0\.1:\d+\nms pg:[0-9a-f]{16}:views 5 MS c F16 T\d+\nhello\nHD c\d+/)
    // The wire names the node the card says holds the key.
    const node = /\(127\.0\.0\.1:\d+,/.exec((await card.locator('.nodes-served a').first().textContent())!)![0].slice(1, -1)
    await expect(wire).toContainText(`# to ${node}\n`)
    // One switch, one transcript: the console still shows Python.
    await expect(page.locator('#console pre:visible').last()).toContainText(">>> conn.set('views', 'hello')")
  })
})

test('one choice applies to every transcript and is remembered; axe finds nothing in any view', async ({ page }) => {
  await page.goto('/memcache')
  const card = await runSet(page, 'remember', '10')
  await card.getByRole('group', { name: 'Show as' }).getByText('TypeScript', { exact: true }).click()
  await expect(page.locator('#console pre:visible').last()).toContainText("> await conn.set('remember', 10)\ntrue")
  await expect(page.locator('#console pre:visible').first()).toContainText("> import { MemcacheClient } from '@memcache-session/client'")
  expect((await new AxeBuilder({ page }).include('#console').include('#set').analyze()).violations).toEqual([])

  await page.goto('/cas')
  await page.getByRole('region', { name: 'conn1 (s1.py)', exact: true }).getByRole('button', { name: 'conn1.gets' }).click()
  const conn1 = page.getByRole('region', { name: 'conn1 (s1.py)', exact: true })
  await expect(conn1.getByRole('radio', { name: 'TypeScript' })).toBeChecked()
  await expect(conn1.locator('pre:visible')).toContainText(/> item1 = await conn1\.gets\('n'\)\n(undefined|\{ value: .*, cas: <Buffer( [0-9a-f]{2}){8}> \})/)

  await conn1.getByText('Wire', { exact: true }).click()
  await expect(conn1.locator('pre:visible')).toContainText(/mg pg:[0-9a-f]{16}:n v c f\n(EN|VA \d+ c\d+ f\d+)/)
  expect((await new AxeBuilder({ page }).include('#clients').analyze()).violations).toEqual([])
})

test('at 360 px the switch and the wire lines stay inside their card', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/memcache')
  const card = await runSet(page, 'a-long-key-that-a-learner-might-type-on-a-phone', `'${'x'.repeat(90)}'`)
  await card.getByRole('group', { name: 'Show as' }).getByText('Wire', { exact: true }).click()
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  const cardBox = (await card.boundingBox())!
  for (const box of [await card.getByRole('group', { name: 'Show as' }).boundingBox(), await card.locator('pre:visible').boundingBox()]) {
    expect(box!.x + box!.width).toBeLessThanOrEqual(cardBox.x + cardBox.width + 0.5)
  }
})
