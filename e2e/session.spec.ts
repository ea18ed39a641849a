import { test, expect, SessionPage } from './fixtures.ts'

test('set a key, see it after a reload, delete it', async ({ sessionPage: s, page }, testInfo) => {
  await s.goto()
  await expect(page.getByText('Empty: set a key above.')).toBeVisible()

  await s.submit('set', 'name', 'Ada Lovelace')
  await expect(page.getByRole('status')).toHaveText('Saved.')
  await expect(s.row('name')).toContainText('Ada Lovelace')

  await page.reload()
  await expect(s.row('name')).toContainText('Ada Lovelace')

  await s.submit('set', 'lang', 'TypeScript')
  await expect(s.table.getByRole('row')).toHaveCount(3) // header + 2
  await page.screenshot({ path: testInfo.outputPath('session-page.png'), fullPage: true })
  await testInfo.attach('session page', { path: testInfo.outputPath('session-page.png'), contentType: 'image/png' })

  await s.submit('del', 'name')
  await expect(page.getByRole('status')).toHaveText('Deleted.')
  await expect(s.row('name')).toHaveCount(0)
  await expect(s.row('lang')).toBeVisible()

  await s.submit('del', 'name')
  await expect(page.getByRole('status')).toHaveText('There was no such key, so there was nothing to delete.')
})

test('two browsers get two sessions', async ({ browser }) => {
  const contexts = [await browser.newContext(), await browser.newContext()]
  const [a, b] = await Promise.all(contexts.map(async (c) => new SessionPage(await c.newPage())))
  await a!.goto()
  await b!.goto()
  await a!.submit('set', 'owner', 'first')
  await b!.submit('set', 'owner', 'second')
  await a!.page.reload()
  await expect(a!.row('owner')).toContainText('first')
  await expect(b!.row('owner')).toContainText('second')
  const [ca, cb] = await Promise.all(contexts.map((c) => c.cookies()))
  expect(ca!.find((c) => c.name === 'uc')!.value).not.toEqual(cb!.find((c) => c.name === 'uc')!.value)
  await Promise.all(contexts.map((c) => c.close()))
})

test('the uc cookie as the browser sees it', async ({ sessionPage: s, context }) => {
  await s.goto()
  const uc = (await context.cookies()).find((c) => c.name === 'uc')!
  expect(uc).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', secure: false })
  expect(uc.expires).toBeGreaterThan(Date.now() / 1000 + 11 * 3600) // absolute lifetime: 12 h
  expect(await s.page.evaluate(() => document.cookie)).not.toContain('uc=') // HttpOnly
})

test('bad input comes back with a message next to the form, nothing lost', async ({ sessionPage: s, page }) => {
  await s.goto()
  await s.submit('set', 'kept', 'yes')
  await s.submit('set', '', 'orphan value')
  await expect(page.getByRole('alert')).toHaveText('The key must not be empty.')
  await expect(page.getByLabel('Val')).toHaveValue('orphan value')
  await expect(s.row('kept')).toBeVisible()
})

test('markup in keys and values is shown as text, never run', async ({ sessionPage: s, page }) => {
  page.on('dialog', (dialog) => { throw new Error(`a dialog opened: ${dialog.message()}`) })
  await s.goto()
  await s.submit('set', '<script>alert(1)</script>', '<img src=x onerror=alert(2)>')
  await expect(s.row('<script>alert(1)</script>')).toContainText('<img src=x onerror=alert(2)>')
  await expect(page.locator('main img')).toHaveCount(0)
})

test('a form with a forged CSRF token is refused and changes nothing', async ({ sessionPage: s, page }) => {
  await s.goto()
  await s.submit('set', 'safe', 'value')
  await page.locator('input[name="_csrf"]').evaluateAll((inputs: HTMLInputElement[]) => { for (const input of inputs) input.value = 'forged' })
  await s.submit('set', 'safe', 'changed')
  await expect(page.getByRole('alert')).toContainText('CSRF check failed')
  await page.locator('input[name="_csrf"]').evaluateAll((inputs: HTMLInputElement[]) => { for (const input of inputs) input.value = 'forged' })
  await page.getByRole('button', { name: 'End session' }).click() // the other form is guarded too
  await expect(page.getByRole('alert')).toContainText('CSRF check failed')
  await page.goto('/')
  await expect(s.row('safe')).toContainText('value')
  await expect(s.row('safe')).not.toContainText('changed')
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('End session deletes the session; the old cookie brings nothing back', async ({ sessionPage: s, page, context }) => {
    await s.goto()
    await s.submit('set', 'private', 'data')
    await expect(s.row('private')).toBeVisible()
    const old = (await context.cookies()).find((c) => c.name === 'uc')!

    await page.getByRole('button', { name: 'End session' }).click()
    await expect(page.getByRole('status')).toContainText('Your session was ended')
    await expect(page.getByText('Empty: set a key above.')).toBeVisible()
    const fresh = (await context.cookies()).find((c) => c.name === 'uc')!
    expect(fresh.value.slice(0, 32)).not.toEqual(old.value.slice(0, 32))

    // Replaying the old cookie, as someone who copied it would: a new, empty session.
    await context.clearCookies()
    await context.addCookies([old])
    await page.goto('/')
    await expect(page.getByText('Empty: set a key above.')).toBeVisible()
    await expect(s.row('private')).toHaveCount(0)
    const replayed = (await context.cookies()).find((c) => c.name === 'uc')!
    expect(replayed.value.slice(0, 32)).not.toEqual(old.value.slice(0, 32))
  })
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
