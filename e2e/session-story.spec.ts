// The session page tells its view's story: nothing stored yet on a first visit; then which
// commands this view sent, to which node, what came back; the deadlines as times. At a desktop
// and at 360 px, axe finds nothing and nothing overflows. After a change, each copy's CAS before
// and after it; on a plain view, the current one only.
import AxeBuilder from '@axe-core/playwright'
import { test, expect } from './fixtures.ts'

for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
  test(`at ${viewport.width} px: a first view costs nothing; a stored session's view lists its commands and deadlines`, async ({ page, sessionPage }, testInfo) => {
    await page.setViewportSize(viewport)
    await sessionPage.goto()
    const story = page.getByRole('region', { name: 'What this view asked memcached' })
    await expect(story).toContainText('Nothing: no session of yours is stored yet')
    await page.getByText('As stored in memcached').click()
    await expect(page.getByText(/^Stored: nothing yet: the first change stores it/)).toBeVisible()

    await sessionPage.submit('set', 'name', 'Ada')
    await expect(sessionPage.row('name')).toBeVisible()
    const commands = story.getByRole('table')
    await expect(commands.getByRole('row')).not.toHaveCount(1) // a head and at least one command
    const first = commands.getByRole('row').nth(1)
    await expect(first).toContainText(/gat/)
    await expect(first).toContainText(/node \d \(127\.0\.0\.1:\d+\)/)
    await expect(first).toContainText('found')
    await expect(first.getByRole('cell').last()).toHaveText('14') // {"name":"Ada"}: the record's bytes
    const idle = story.locator('dd time').first()
    await expect(idle).toHaveText(/^\d{2}:\d{2}:\d{2} UTC$/)
    const at = Date.parse((await idle.getAttribute('datetime'))!)
    expect(Math.abs(at - (Date.now() + 20 * 60_000))).toBeLessThan(60_000)
    await story.getByText(/What the Python original sends/).click()
    await expect(story.getByRole('listitem')).toHaveCount(4)

    expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([])
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    const box = (await story.boundingBox())!
    const table = (await commands.boundingBox())!
    expect(table.x + table.width).toBeLessThanOrEqual(box.x + box.width + 0.5)
    const path = testInfo.outputPath(`session-story-${viewport.width}.png`)
    await story.screenshot({ path })
    await testInfo.attach(`the session page's story at ${viewport.width} px`, { path, contentType: 'image/png' })
  })
}

test('after a change the page shows each copy\'s CAS before and after it; a plain view, only the current one', async ({ page, sessionPage }) => {
  await sessionPage.goto()
  await sessionPage.submit('set', 'name', 'Ada')
  await sessionPage.submit('set', 'name', 'Grace')
  await expect(page.getByRole('status')).toHaveText('Saved.')
  const stored = page.locator('details', { has: page.getByText('As stored in memcached') })
  await expect(stored).toHaveAttribute('open', '') // opened by the change, so its CAS is in view
  await expect(stored.getByText(/^1 → 2 \(counts the writes/)).toBeVisible()
  const changes = stored.getByRole('listitem').filter({ hasText: /^node \d: \d+ → \d+$/ })
  await expect(changes).toHaveCount(2) // two copies, each with its own token
  const after: string[] = []
  for (const text of await changes.allTextContents()) {
    const [, node, before, now] = /^node (\d): (\d+) → (\d+)$/.exec(text)!
    expect(before, `node ${node}`).not.toEqual(now)
    after.push(`node ${node}: ${now}`)
  }
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([])

  await sessionPage.goto()
  await expect(stored).not.toHaveAttribute('open')
  await stored.getByText('As stored in memcached').click()
  await expect(stored.getByRole('listitem').filter({ hasText: /→/ })).toHaveCount(0)
  await expect(stored.getByRole('listitem').filter({ hasText: /^node \d: \d+$/ })).toHaveText(after)
  await expect(stored.getByText(/^2 \(counts the writes/)).toBeVisible()
})
