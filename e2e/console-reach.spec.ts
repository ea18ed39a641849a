// The console within reach while reading chapter 2: beside the cards and sticky on a desktop, its
// newest run in sight; on a phone (360 px) first on the page, with a link back to it from any card.
import AxeBuilder from '@axe-core/playwright'
import { test, expect } from './fixtures.ts'

test('at 1280 px the console stays beside the card being run, its newest run in sight', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto('/memcache')
  const consoleLine = page.getByRole('combobox', { name: 'Python line' })
  for (let i = 0; i < 6; i++) {
    await consoleLine.fill(`conn.set('filler${i}', '${'a line that takes room '.repeat(3)}')`)
    await consoleLine.press('Enter')
  }
  // The last card of the chapter, far down the page: the console is still on screen beside it.
  const decr = page.locator('section#decr')
  await decr.getByLabel('Key').fill('filler0')
  await decr.getByRole('button', { name: 'Run decr' }).click()
  await expect(page).toHaveURL(/#decr$/)
  await expect(decr.getByRole('status')).toBeInViewport()
  await expect(consoleLine).toBeInViewport()
  const history = page.locator('#console ol.history > li')
  await expect(history.last()).toContainText(">>> conn.decr('filler0')")
  await expect(history.last()).toBeInViewport()
  const [card, console] = [(await decr.boundingBox())!, (await page.locator('#console').boundingBox())!]
  expect(console.x).toBeGreaterThanOrEqual(card.x + card.width) // beside, not above
  expect(console.y + console.height).toBeLessThanOrEqual(800)
  // Typed from there, the line runs and the console shows it, still beside the cards.
  await consoleLine.fill("conn.get('filler1')")
  await consoleLine.press('Enter')
  await expect(history.last()).toContainText(">>> conn.get('filler1')\n'a line that takes room")
  await expect(history.last()).toBeInViewport()
  expect((await new AxeBuilder({ page }).include('#console').analyze()).violations).toEqual([])
  const path = testInfo.outputPath('console-sticky-1280.png')
  await page.screenshot({ path })
  await testInfo.attach('console beside the cards at 1280 px', { path, contentType: 'image/png' })
})

test('at 360 px the console comes first, and a link from any card brings its line back', async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/memcache')
  const consoleLine = page.getByRole('combobox', { name: 'Python line' })
  await consoleLine.fill("conn.set_multi({'a': 1, 'b': 'two'})")
  await consoleLine.press('Enter')
  await expect(page.locator('#console ol.history')).toContainText(">>> conn.set_multi({'a': 1, 'b': 'two'})\n[]")
  const incr = page.locator('section#incr')
  await incr.getByLabel('Key').fill('a')
  await incr.getByRole('button', { name: 'Run incr' }).click()
  await expect(incr.getByRole('status')).toBeInViewport()
  await expect(consoleLine).not.toBeInViewport()
  const back = page.getByRole('link', { name: 'Back to your console' })
  await expect(back).toBeInViewport()
  await back.click()
  await expect(consoleLine).toBeInViewport()
  await consoleLine.fill("conn.get('a')")
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(page.locator('#console ol.history > li').last()).toContainText(">>> conn.get('a')\n2")
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  const row = (await page.locator('.console-row').boundingBox())!
  expect(row.x + row.width).toBeLessThanOrEqual(360)
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([])
  const path = testInfo.outputPath('console-360.png')
  await page.screenshot({ path, fullPage: true })
  await testInfo.attach('console at 360 px', { path, contentType: 'image/png' })
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a learner clears the console, then deletes the keys they stored', async ({ page }) => {
    await page.goto('/memcache')
    const consoleLine = page.getByRole('combobox', { name: 'Python line' })
    await consoleLine.fill("conn.set('mine', 'to be deleted')")
    await consoleLine.press('Enter')
    const set = page.locator('section#set')
    await set.getByLabel('Key').fill('also-mine')
    await set.getByLabel('Value').fill('10')
    await set.getByRole('button', { name: 'Run set' }).click()
    const history = page.locator('#console ol.history > li')
    await expect(history).toHaveCount(2)

    await page.getByRole('button', { name: 'Clear the console' }).click()
    await expect(page).toHaveURL(/\/memcache#console$/)
    await expect(history).toHaveCount(0)
    await expect(page.locator('#console')).toContainText('Nothing run yet (your 2 keys are still stored).')
    await consoleLine.fill("conn.get('mine')")
    await consoleLine.press('Enter')
    await expect(history.last()).toContainText(">>> conn.get('mine')\n'to be deleted'")

    await page.getByRole('button', { name: 'Delete my keys (2)' }).click()
    // Oldest named first: the get after the clear made 'mine' the newest.
    await expect(history.last()).toContainText(">>> conn.delete_multi(['also-mine', 'mine'])\n1")
    await expect(page.getByRole('button', { name: 'Delete my keys (0)' })).toBeDisabled()
    await consoleLine.fill("conn.get_multi(['mine', 'also-mine'])")
    await consoleLine.press('Enter')
    await expect(history.last()).toContainText(">>> conn.get_multi(['mine', 'also-mine'])\n{}")
  })
})
