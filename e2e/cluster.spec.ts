import { test, expect } from './fixtures.ts'

test('the cluster page: four nodes, the charts, and where a key lives', async ({ page }, testInfo) => {
  await page.goto('/cluster')
  await expect(page.getByRole('heading', { name: '4. Several weighted nodes' })).toBeVisible()
  // The session cluster, then the playground's own pool: four weighted nodes each.
  await expect(page.locator('table.nodes tbody tr')).toHaveCount(8)
  await expect(page.locator('table.nodes .badge.up')).toHaveCount(8)
  await expect(page.locator('table.nodes').nth(1).locator('tbody tr td[data-label="Weight"]')).toHaveText(['4', '3', '1', '2'])
  const items = page.getByRole('img', { name: 'The session cluster: items currently stored per node' })
  await expect(items.locator('rect.bar')).toHaveCount(4)
  await expect(page.getByRole('img', { name: /The session cluster: share of sampled keys/ }).locator('rect.bar')).toHaveCount(8)
  await expect(page.getByRole('img', { name: /The playground's pool: share of sampled keys/ }).locator('rect.bar')).toHaveCount(8)
  await expect(page.getByRole('list', { name: 'Bucket to node' }).getByRole('listitem')).toHaveCount(10)

  await page.getByRole('textbox', { name: 'Key' }).fill('key5')
  await page.getByRole('button', { name: 'Locate' }).click()
  const answer = page.getByRole('status')
  await expect(answer).toContainText('key5 goes to node 2')
  await expect(answer).toContainText('crc32(key5) = 724672585; (724672585 >> 16) & 0x7fff = hash 11057; 11057 % 10 = bucket 7 → node 2')
  await expect(answer).toContainText('not checked: it is not a playground key')
  await expect(page.locator('li.bucket.hit')).toHaveText(/bucket 7\s*→?\s*goes to\s*node 2/)
})

test('the session page links to its own node on the cluster page', async ({ page }) => {
  await page.goto('/')
  await page.getByText('As stored in memcached').click()
  const link = page.getByRole('link', { name: /^node \d$/ }).first() // the home copy
  const node = (await link.textContent())!.slice(-1)
  await link.click()
  await expect(page).toHaveURL(new RegExp(`/cluster\\?node=${node}#node-${node}$`))
  await expect(page.locator(`tr#node-${node}`)).toContainText('your session')
  await expect(page.locator('tr.pointed')).toHaveCount(1)
})

test('an empty Locate says what to type', async ({ page }) => {
  await page.goto('/cluster')
  await page.getByRole('button', { name: 'Locate' }).click()
  await expect(page.getByRole('alert')).toHaveText(/Type a key to locate/)
  await expect(page.getByRole('textbox', { name: 'Key' })).toHaveAttribute('aria-invalid', 'true')
})

test('the node table fits its card at every common width, as a table or as cards', async ({ page }) => {
  await page.goto('/cluster')
  for (const width of [360, 768, 800, 900, 1024, 1440]) {
    await page.setViewportSize({ width, height: 800 })
    for (const table of await page.locator('table.nodes').all()) {
      const fit = await table.evaluate((table) => {
        const card = table.closest('.card')!
        return { table: table.scrollWidth, card: card.clientWidth, page: document.documentElement.scrollWidth, viewport: document.documentElement.clientWidth }
      })
      expect(fit.table, `table at ${width}px`).toBeLessThanOrEqual(fit.card)
      expect(fit.page, `page at ${width}px`).toBeLessThanOrEqual(fit.viewport)
    }
  }
})
