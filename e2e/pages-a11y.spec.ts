// Every page and state at a desktop and a phone size, in English: axe-core finds nothing, nothing
// overflows its card, the header stays on one line, chart text stays legible, and a screenshot of
// each is attached to the report for a reviewer to look at (e2e/page-checks.ts; the same in
// Chinese: e2e/language.spec.ts).
import type { Page } from '@playwright/test'
import { expect } from './fixtures.ts'
import { test } from './down-app.ts'
import { checkPage } from './page-checks.ts'
import { LIBFAKETIME_MISSING, libfaketimePath } from '../tools/aged-clock.ts'

const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } }
] as const

/** Whether each of these cells' text sits on one line. */
async function oneLine (page: Page, selector: string): Promise<boolean[]> {
  return page.locator(selector).evaluateAll((cells) => cells.map((cell) => {
    const range = document.createRange()
    range.selectNodeContents(cell)
    return new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top))).size === 1
  }))
}

for (const { name: size, viewport } of SIZES) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport })

    test('the session page: empty, with long values, with an error', async ({ page }, testInfo) => {
      await page.goto('/')
      await expect(page.getByRole('link', { name: '5 Session', exact: true })).toHaveAttribute('aria-current', 'page')
      await checkPage(page, testInfo, `session-empty-${size}`)

      const set = async (key: string, val: string) => {
        await page.getByLabel('Key').fill(key)
        await page.getByLabel('Val').fill(val)
        await page.getByRole('button', { name: 'Submit' }).click()
        await expect(page.getByRole('cell', { name: key, exact: true })).toBeVisible()
      }
      await set('name', 'Ada')
      await set('KEY', 'A long sentence that has to wrap between its words on a phone and maybe on a desktop too, so the key column must keep its width.')
      await set('url', 'https://example.com/' + 'x'.repeat(150))
      await set('favourite_colour', 'green')
      expect(await oneLine(page, 'table.session-data td:first-child')).toEqual([true, true, true, true])
      // Open already: a change's page opens it, to show the change's CAS before and after.
      await expect(page.locator('details', { has: page.getByText('As stored in memcached') })).toHaveAttribute('open', '')
      await checkPage(page, testInfo, `session-data-${size}`)

      await page.getByLabel('Key').fill('k'.repeat(300))
      await page.getByRole('button', { name: 'Submit' }).click()
      await expect(page.getByRole('alert')).toContainText('250')
      await expect(page.getByLabel('Key')).toHaveAttribute('aria-invalid', 'true')
      await expect(page.getByLabel('Key')).toHaveValue('k'.repeat(300)) // not cut silently
      await checkPage(page, testInfo, `session-error-${size}`)
    })

    test('chapter 1: the nodes, a telnet check, a node that is not there', async ({ page }, testInfo) => {
      test.slow() // three full checks of a long page (eight nodes, a whole stats answer)
      await page.goto('/start')
      await expect(page.getByRole('link', { name: '1 Start', exact: true })).toHaveAttribute('aria-current', 'page')
      await checkPage(page, testInfo, `start-${size}`)
      await page.getByRole('button', { name: 'Check it' }).click()
      await expect(page.getByRole('status')).toContainText('VERSION 1.')
      await checkPage(page, testInfo, `start-check-${size}`)
      await page.goto('/start?check=99#check')
      await expect(page.getByRole('alert')).toContainText('There is no node 99')
      await checkPage(page, testInfo, `start-no-node-${size}`)
    })

    test('the cluster page: initial, a located key, an empty Locate, a pointed node', async ({ page }, testInfo) => {
      test.slow() // four full checks of a page with two pools (axe, layout, a full-page screenshot each)
      await page.goto('/cluster')
      await expect(page.getByRole('link', { name: '4 Cluster', exact: true })).toHaveAttribute('aria-current', 'page')
      // Every column of the node table is on screen (a table at 1280, a card per node on a phone).
      for (const label of ['Weight', 'Status', 'Items', 'Hits', 'Misses', 'Evictions']) {
        const cell = page.locator(`tr#node-3 td[data-label="${label}"]`)
        await expect(cell).toBeVisible()
        const box = (await cell.boundingBox())!
        expect(box.x, label).toBeGreaterThanOrEqual(0)
        expect(box.x + box.width, label).toBeLessThanOrEqual(viewport.width)
      }
      expect(await page.locator('tr#node-0').evaluate((tr) => getComputedStyle(tr).display)).toBe(size === 'phone' ? 'block' : 'table-row')
      await checkPage(page, testInfo, `cluster-${size}`)

      await page.getByRole('textbox', { name: 'Key' }).fill('pg:greeting')
      await page.getByRole('button', { name: 'Locate' }).click()
      await expect(page.getByRole('status')).toContainText('pg:greeting goes to node 1')
      await checkPage(page, testInfo, `cluster-located-${size}`)

      await page.getByRole('textbox', { name: 'Key' }).fill('')
      await page.getByRole('button', { name: 'Locate' }).click()
      await expect(page.getByRole('alert')).toContainText('Type a key to locate')
      await checkPage(page, testInfo, `cluster-empty-locate-${size}`)

      await page.goto('/cluster?node=2#node-2')
      await expect(page.locator('tr.pointed')).toContainText('your session')
      await checkPage(page, testInfo, `cluster-pointed-${size}`)
    })

    test('with a node down: the cluster page, a re-hashed key, the session page and the playground', async ({ page, downURL }, testInfo) => {
      test.slow() // six full checks, two of them of the cluster page
      await page.goto(`${downURL}/cluster`)
      const row = page.locator('tr#node-2')
      await expect(row.locator('.badge.down')).toBeVisible()
      const error = row.locator('.node-error')
      await expect(error).toContainText('ECONNREFUSED')
      const badge = await row.locator('.badge.down').boundingBox()
      const message = await error.boundingBox()
      expect(message!.y).toBeGreaterThanOrEqual(badge!.y + badge!.height - 1) // the error under the status
      await checkPage(page, testInfo, `cluster-down-${size}`)

      await page.getByRole('textbox', { name: 'Key' }).fill('key5')
      await page.getByRole('button', { name: 'Locate' }).click()
      const warning = page.locator('.answer .warning')
      await expect(warning).toHaveText(/Its own node \(2\) is down/)
      await expect(warning).toHaveCSS('background-color', 'rgb(255, 244, 214)') // the warning style, not success
      await checkPage(page, testInfo, `cluster-down-located-${size}`)

      await page.goto(`${downURL}/`)
      await checkPage(page, testInfo, `session-down-${size}`)
      await page.goto(`${downURL}/start?check=2#check`)
      await expect(page.getByRole('status')).toContainText('Unable to connect to remote host')
      await checkPage(page, testInfo, `start-down-${size}`)
      const playground = await page.goto(`${downURL}/memcache`)
      if (playground!.status() === 200) await checkPage(page, testInfo, `playground-down-${size}`)
    })

    test('with a node down and another up for hours: the cluster table fits its card', async ({ page, downURL }, testInfo) => {
      test.skip(libfaketimePath() === null, LIBFAKETIME_MISSING)
      await page.goto(`${downURL}/cluster`)
      const table = page.locator('table.nodes').first() // the session cluster's
      // Its own stats say it: 2 hours and some minutes (the minutes count on while the tests run).
      await expect(table.locator('tr#node-0 td[data-label="Uptime"]')).toHaveText(/^2 hours \d+ minutes?$/)
      await expect(table.locator('tr#node-2 .badge.down')).toBeVisible()
      await expect(table.locator('tr#node-2 .node-error')).toContainText('ECONNREFUSED')
      const fit = await table.evaluate((table) => {
        const card = table.closest('.card')!
        const right = card.getBoundingClientRect().right
        const out = Array.from(table.querySelectorAll('th, td')).filter((cell) => cell.getBoundingClientRect().right > right + 0.5).map((cell) => cell.textContent!.trim().slice(0, 40))
        return { table: table.scrollWidth, card: card.clientWidth, cardContent: card.scrollWidth, out, page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth }
      })
      expect(fit.out, 'cells past the card\'s right edge').toEqual([])
      expect(fit.table).toBeLessThanOrEqual(fit.card)
      expect(fit.cardContent).toBeLessThanOrEqual(fit.card)
      expect(fit.page).toBeLessThanOrEqual(fit.viewport)
      const path = testInfo.outputPath(`cluster-aged-down-${size}.png`)
      await table.locator('xpath=ancestor::section[contains(@class, "card")][1]').screenshot({ path })
      await testInfo.attach(`the session cluster's nodes, one up for hours and one down, at ${viewport.width} px`, { path, contentType: 'image/png' })
    })

    test('the playground and the error pages', async ({ page }, testInfo) => {
      const playground = await page.goto('/memcache')
      expect(playground!.status()).toBe(200)
      await expect(page.getByRole('link', { name: '2 Commands', exact: true })).toHaveAttribute('aria-current', 'page')
      await checkPage(page, testInfo, `playground-${size}`)
      await page.goto('/cas')
      await expect(page.getByRole('link', { name: '3 CAS', exact: true })).toHaveAttribute('aria-current', 'page')
      await checkPage(page, testInfo, `cas-${size}`)

      const missing = await page.goto('/no-such-page')
      expect(missing!.status()).toBe(404)
      await checkPage(page, testInfo, `not-found-${size}`)
      const bad = await page.goto('/%<script>')
      expect(bad!.status()).toBe(400)
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
      await checkPage(page, testInfo, `bad-url-${size}`)
    })
  })
}
