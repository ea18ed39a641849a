import { test, expect } from './fixtures.ts'

test('walk the playground cards in tutorial order', async ({ page }, testInfo) => {
  await page.goto('/memcache')
  const card = (id: string) => page.locator(`section#${id}`)
  const run = async (id: string, fields: Record<string, string>) => {
    for (const [label, value] of Object.entries(fields)) await card(id).getByLabel(label, { exact: false }).fill(value)
    await card(id).getByRole('button').first().click()
    return card(id).getByRole('status')
  }
  await expect(await run('set', { Key: 'e2e', Value: "'hello'" })).toContainText(">>> mc.set('e2e', 'hello')\nTrue")
  await expect(await run('get', { Key: 'e2e' })).toContainText("'hello'")
  await expect(await run('add', { Key: 'e2e', Value: 'x' })).toContainText('False')
  await expect(await run('replace', { Key: 'e2e', Value: "'world'" })).toContainText('True')
  await expect(await run('set_multi', { 'key=value': 'm1=1\nm2=2' })).toContainText('[]')
  await expect(await run('get_multi', { Keys: 'm1 m2 m3' })).toContainText("{'m1': 1, 'm2': 2}")
  await expect(await run('delete_multi', { Keys: 'm1 m2' })).toContainText('True')
  await expect(await run('append', { Key: 'e2e', Text: '!' })).toContainText('True')
  await expect(await run('prepend', { Key: 'e2e', Text: '¡' })).toContainText('True')
  await expect(await run('get', { Key: 'e2e' })).toContainText("'¡world!'")
  await expect(await run('set', { Key: 'count', Value: '10' })).toContainText('True')
  await expect(await run('incr', { Key: 'count', By: '5' })).toContainText('15')
  await expect(await run('decr', { Key: 'count' })).toContainText('14')
  await expect(await run('delete', { Key: 'e2e' })).toContainText('True')

  await expect(await run('gets', { Key: 'count' })).toContainText('CAS token')
  await card('gets').getByLabel(/New value for/).fill('99')
  await card('gets').getByRole('button', { name: 'Run cas' }).click()
  await expect(card('gets').getByRole('status')).toContainText(">>> mc.cas('count', 99)\nTrue")

  await expect(await run('ttl_demo', { Key: 'temp', Value: 'brief' })).toContainText("'brief'")
  await expect(async () => {
    await expect(await run('get', { Key: 'temp' })).toContainText('None', { timeout: 500 })
  }).toPass({ timeout: 6000 })
  await page.screenshot({ path: testInfo.outputPath('playground-page.png'), fullPage: true })
  await testInfo.attach('playground page', { path: testInfo.outputPath('playground-page.png'), contentType: 'image/png' })
})

test('the two-client CAS race, as a timeline', async ({ page }) => {
  await page.goto('/memcache#cas_race')
  const race = page.locator('section#cas_race')
  await race.getByLabel('Key').fill('race')
  await race.getByRole('button', { name: 'Run the race' }).click()
  const timeline = race.getByRole('status')
  await expect(timeline).toContainText("client A >>> mc.cas('race', 100)\nTrue")
  await expect(timeline).toContainText("client B >>> mc.cas('race', 200)\nFalse")
  await expect(timeline).toContainText(">>> mc.get('race')\n100")
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
