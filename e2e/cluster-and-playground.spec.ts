import { test, expect } from './fixtures.ts'

test('the cluster page: four nodes, the charts, and where a key lives', async ({ page }, testInfo) => {
  await page.goto('/cluster')
  await expect(page.getByRole('heading', { name: 'The cluster' })).toBeVisible()
  await expect(page.locator('table.nodes tbody tr')).toHaveCount(4)
  await expect(page.locator('table.nodes .badge.up')).toHaveCount(4)
  const items = page.getByRole('img', { name: 'Items currently stored per node' })
  await expect(items.locator('rect.bar')).toHaveCount(4)
  await expect(page.getByRole('img', { name: /Share of sampled keys/ }).locator('rect.bar')).toHaveCount(8)

  await page.getByRole('textbox', { name: 'Key' }).fill('key5')
  await page.getByRole('button', { name: 'Locate' }).click()
  await expect(page.getByRole('status')).toContainText('lives on')
  await expect(page.getByRole('status')).toContainText('crc32 hash 11057 → bucket 11057 % 10 = 7 → node 2')
  await page.screenshot({ path: testInfo.outputPath('cluster-page.png'), fullPage: true })
  await testInfo.attach('cluster page', { path: testInfo.outputPath('cluster-page.png'), contentType: 'image/png' })
})

test('everything works from the keyboard', async ({ page }) => {
  await page.goto('/')
  await page.getByLabel('Key').focus()
  await page.keyboard.type('typed')
  await page.keyboard.press('Tab')
  await page.keyboard.type('by keyboard')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('cell', { name: 'by keyboard' })).toBeVisible()
  await page.getByRole('link', { name: 'Cluster' }).focus()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/\/cluster$/)
})
