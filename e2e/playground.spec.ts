// The playground as a learner meets it: a console that remembers, Back and Reload that are safe.
import { test, expect } from './fixtures.ts'
import type { Page } from '@playwright/test'

function playground (page: Page) {
  const card = (id: string) => page.locator(`section#${id}`)
  const run = async (id: string, fields: Record<string, string>) => {
    for (const [label, value] of Object.entries(fields)) await card(id).getByLabel(label, { exact: false }).fill(value)
    await card(id).getByRole('button').first().click()
    return card(id).getByRole('status')
  }
  const consoleEntries = page.locator('#console ol.history > li')
  return { card, run, consoleEntries }
}

test('walk the playground cards in tutorial order', async ({ page }, testInfo) => {
  await page.goto('/memcache')
  const { card, run } = playground(page)
  await expect(await run('set', { Key: 'e2e', Value: "'hello'" })).toContainText(">>> conn.set('e2e', 'hello')\nTrue")
  await expect(await run('get', { Key: 'e2e' })).toContainText("'hello'")
  await expect(await run('add', { Key: 'e2e', Value: 'x' })).toContainText('False')
  await expect(await run('replace', { Key: 'e2e', Value: "'world'" })).toContainText('True')
  await expect(await run('set_multi', { 'key=value': 'm1=1\nm2=2' })).toContainText('[]')
  await expect(await run('get_multi', { Keys: 'm1 m2 m3' })).toContainText("{'m1': 1, 'm2': 2}")
  await expect(await run('delete_multi', { Keys: 'm1 m2' })).toContainText(">>> conn.delete_multi(['m1', 'm2'])\n1")
  await expect(await run('append', { Key: 'e2e', Text: '!' })).toContainText('True')
  await expect(await run('prepend', { Key: 'e2e', Text: '¡' })).toContainText('True')
  await expect(await run('get', { Key: 'e2e' })).toContainText("'¡world!'")
  await expect(await run('set', { Key: 'count', Value: '10' })).toContainText('True')
  await expect(await run('incr', { Key: 'count', By: '5' })).toContainText('15')
  await expect(await run('decr', { Key: 'count' })).toContainText('14')
  await expect(await run('delete', { Key: 'e2e' })).toContainText(">>> conn.delete('e2e')\n1")
  // The other cards kept what was typed in them.
  await expect(card('set').getByLabel('Key')).toHaveValue('count')
  await expect(card('append').getByLabel('Text')).toHaveValue('!')

  // A server error reads as the interpreter shows it.
  await page.goto('/memcache')
  await run('set', { Key: 'text', Value: 'abc' })
  await expect(await run('incr', { Key: 'text', By: '' })).toContainText("ValueError: invalid literal for int() with base 10: b'CLIENT_ERROR cannot increment or decrement non-numeric value'")

  // Every node links to that stored key on the cluster page.
  const link = card('incr').getByRole('link').first()
  await expect(link).toHaveAttribute('href', /^\/cluster\?key=pg%3A[0-9a-f]{16}%3Atext#lookup$/)
  await page.screenshot({ path: testInfo.outputPath('playground-page.png'), fullPage: true })
  await testInfo.attach('playground page', { path: testInfo.outputPath('playground-page.png'), contentType: 'image/png' })
})

test('set → get → expire → get reads as one history', async ({ page }) => {
  await page.goto('/memcache')
  const { card, run, consoleEntries } = playground(page)
  await run('set', { Key: 'story', Value: "'once'" })
  await run('get', { Key: 'story' })
  await expect(await run('ttl_demo', { Key: 'temp', Value: 'brief' })).toContainText("'brief'")
  await expect(card('ttl_demo')).toContainText(/Time left for temp: about [12] s/)
  // The countdown moves in place (a script; without it the page says it once), and ends without "0 s ago".
  await expect(card('ttl_demo').locator('.ttl-left')).toHaveText('The TTL of temp has run out: memcached no longer returns it. Get it now to see None.', { timeout: 5000 })
  await expect(async () => {
    await card('ttl_demo').getByRole('button', { name: 'Get temp now' }).click()
    await expect(card('ttl_demo').getByRole('status')).toContainText(">>> conn.get('temp')\nNone", { timeout: 500 })
  }).toPass({ timeout: 6000 })
  const entries = await consoleEntries.allInnerTexts()
  expect(entries[0]).toContain(">>> conn.set('story', 'once')")
  expect(entries[1]).toContain(">>> conn.get('story')\n'once'")
  expect(entries[2]).toContain(">>> conn.set('temp', 'brief', 2)")
  expect(entries.at(-1)).toContain(">>> conn.get('temp')\nNone")
})

test('Back after two runs shows the page; Reload runs nothing again', async ({ page }) => {
  await page.goto('/memcache')
  const { run, consoleEntries } = playground(page)
  await run('set', { Key: 'b', Value: '1' })
  await run('incr', { Key: 'b' })
  await expect(consoleEntries).toHaveCount(2)
  await page.reload()
  await expect(consoleEntries).toHaveCount(2)
  await page.goBack()
  await expect(page.getByRole('heading', { name: '2. The client API', level: 1 })).toBeVisible()
  await page.goBack()
  await expect(page.getByRole('heading', { name: '2. The client API', level: 1 })).toBeVisible()
  await page.goto('/memcache')
  await expect(consoleEntries).toHaveCount(2)
  await expect(consoleEntries.last()).toContainText(">>> conn.incr('b')\n2")
})

test('the two-client CAS race, as a timeline that always changes the value', async ({ page }) => {
  await page.goto('/cas#cas_race')
  const race = page.locator('section#cas_race')
  await race.getByLabel('Key').fill('race')
  await race.getByRole('button', { name: 'Run the race' }).click()
  const timeline = race.getByRole('status')
  await expect(timeline).toContainText(">>> conn1.cas('race', 1)\nTrue")
  await expect(timeline).toContainText(">>> conn2.cas('race', 1)\nFalse")
  await expect(timeline).toContainText(">>> conn2.cas('race', 2)\nTrue")
  await expect(timeline).toContainText(">>> conn1.get('race')\n2")
  await race.getByRole('button', { name: 'Run the race' }).click()
  await expect(timeline).toContainText(">>> conn1.get('race')\n4")
})

for (const size of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
  test(`nothing overflows the page at ${size.width} px, with long keys and values`, async ({ page }, testInfo) => {
    await page.setViewportSize(size)
    await page.goto('/memcache')
    const { run } = playground(page)
    await run('set', { Key: 'a-rather-long-key-name-that-a-learner-might-type-'.repeat(3), Value: `'${'a long value without spaces '.repeat(4).replace(/ /g, '_')}'` })
    await run('get_multi', { Keys: 'k1 k2 k3 k4 k5 k6 k7 k8' })
    await run('incr', { Key: 'a-rather-long-key-name-that-a-learner-might-type-'.repeat(3), By: '' })
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: testInfo.outputPath(`playground-${size.width}.png`), fullPage: true })
    await page.locator('#console').screenshot({ path: testInfo.outputPath(`playground-console-${size.width}.png`) })
    await testInfo.attach(`playground at ${size.width} px`, { path: testInfo.outputPath(`playground-${size.width}.png`), contentType: 'image/png' })
  })
}
