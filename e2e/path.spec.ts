// The tutorial as a learner walks it: from chapter 1 to the session page by the "Next" links,
// the chapters numbered in the navigation, a skip link first; without JavaScript, as a page must work.
import { test, expect } from './fixtures.ts'

const CHAPTERS = [
  { nav: '1 Start', heading: '1. Start memcached', url: /\/start$/ },
  { nav: '2 Commands', heading: '2. The client API', url: /\/memcache$/ },
  { nav: '3 CAS', heading: '3. Two clients, gets and cas', url: /\/cas$/ },
  { nav: '4 Cluster', heading: '4. Several weighted nodes', url: /\/cluster$/ },
  { nav: '5 Session', heading: 'Your session', url: /\/$/ }
]

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the path: every chapter in the tutorial\'s order, each ending with Next', async ({ page }) => {
    await page.goto('/start')
    const nav = page.getByRole('navigation', { name: 'Chapters' })
    await expect(nav.getByRole('link')).toHaveText(CHAPTERS.map((c) => c.nav))
    for (const [i, chapter] of CHAPTERS.entries()) {
      await expect(page).toHaveURL(chapter.url)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(chapter.heading)
      await expect(nav.getByRole('link', { name: chapter.nav, exact: true })).toHaveAttribute('aria-current', 'page')
      const next = page.getByRole('navigation', { name: 'Next chapter' })
      await expect(next).toContainText(`Chapter ${i + 1} of ${CHAPTERS.length}`)
      if (i < CHAPTERS.length - 1) await next.getByRole('link', { name: /^Next: / }).click()
      else await expect(next.getByRole('link')).toHaveText('Back to 1. Start memcached')
    }
  })

  test('chapter 1: check a node as the tutorial does with telnet', async ({ page }) => {
    await page.goto('/start')
    await expect(page.locator('#nodes pre').first()).toHaveText(/^memcached -m \d+ -l 127\.0\.0\.1 -p \d+ -c 1024$/)
    await page.getByRole('combobox', { name: 'Node' }).selectOption({ index: 1 })
    await page.getByRole('button', { name: 'Check it' }).click()
    await expect(page).toHaveURL(/\/start\?check=1#check$/)
    const session = page.getByRole('status', { name: /telnet session with 127\.0\.0\.1:\d+/ })
    await expect(session).toContainText(/\$ telnet 127\.0\.0\.1 \d+\nTrying 127\.0\.0\.1\.\.\.\nConnected to 127\.0\.0\.1\./)
    await expect(session).toContainText(/\nversion\nVERSION 1\.\d+\.\d+\nstats\nSTAT pid \d+\n/)
    await expect(session).toContainText('END\nquit\nConnection closed by foreign host.')
  })
})

test('the skip link is the first stop of the keyboard and lands on the content', async ({ page }) => {
  await page.goto('/memcache')
  await page.keyboard.press('Tab')
  const skip = page.getByRole('link', { name: 'Skip to content' })
  await expect(skip).toBeFocused()
  await expect(skip).toBeInViewport()
  await page.keyboard.press('Enter')
  await expect(page).toHaveURL(/#content$/)
  await expect(page.locator('main')).toBeFocused()
})

test('a playground key lands on one of the four weighted nodes, and the cluster page finds it there', async ({ page }) => {
  await page.goto('/memcache')
  const set = page.locator('section#set')
  await set.getByLabel('Key').fill('greeting')
  await set.getByLabel('Value').fill("'hello'")
  await set.getByRole('button', { name: 'Run set' }).click()
  const link = set.getByRole('link', { name: /^node \d \(127\.0\.0\.1:\d+, weight \d\)$/ })
  const [, node, weight] = /^node (\d) \(127\.0\.0\.1:\d+, weight (\d)\)$/.exec((await link.textContent())!)!
  expect(Number(weight)).toBe([4, 3, 1, 2][Number(node)]) // the tutorial's weights, node by node
  await link.click()
  await expect(page).toHaveURL(/\/cluster\?key=pg%3A[0-9a-f]{16}%3Agreeting#lookup$/)
  const answer = page.getByRole('status')
  await expect(answer).toContainText(new RegExp(`pg:[0-9a-f]{16}:greeting goes to node ${node} of the playground's pool \\(127\\.0\\.0\\.1:\\d+\\)\\.\\s+It is there now\\.`))
  await expect(page.locator('li.bucket.hit')).toContainText(`node ${node}`)
  await expect(page.locator(`tr#pg-node-${node} td[data-label="Weight"]`)).toHaveText(weight!)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('chapter 3 by hand: conn1 and conn2 interleaved, and conn2\'s cas returns False', async ({ page }) => {
    await page.goto('/cas')
    const conn1 = page.getByRole('region', { name: 'conn1 (s1.py)', exact: true })
    const conn2 = page.getByRole('region', { name: 'conn2 (s2.py)', exact: true })
    await expect(conn1.getByRole('status')).toContainText('>>> conn1 = memcache.Client([(')
    await conn1.getByRole('button', { name: 'conn1.set' }).click()
    await conn1.getByRole('button', { name: 'conn1.gets' }).click()
    await expect(conn1.getByRole('status')).toContainText(">>> conn1.gets('n')\n9")
    await conn2.getByRole('button', { name: 'conn2.gets' }).click()
    await expect(conn2.getByRole('status')).toContainText(">>> conn2.gets('n')\n9")
    await conn1.getByRole('button', { name: 'conn1.cas' }).click()
    await expect(conn1.getByRole('status')).toContainText(">>> conn1.cas('n', 99)\nTrue")
    await conn2.getByRole('button', { name: 'conn2.cas' }).click()
    // The refused cas, with conn2's gets still above it.
    await expect(conn2.getByRole('status')).toContainText(">>> conn2.gets('n')\n9")
    await expect(conn2.getByRole('status')).toContainText(">>> conn2.cas('n', 100)\nFalse  # someone changed the key since gets")
    await conn2.getByRole('button', { name: 'conn2.gets' }).click()
    await expect(conn2.getByRole('status')).toContainText(">>> conn2.gets('n')\n99")
    await conn2.getByRole('button', { name: 'conn2.cas' }).click()
    await expect(conn2.getByRole('status')).toContainText(">>> conn2.cas('n', 100)\nTrue")
  })
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('chapter 2: a line typed in the console runs, as the tutorial types it', async ({ page }) => {
    await page.goto('/memcache')
    const console = page.getByRole('region', { name: 'Your console' })
    await expect(console).toContainText(/>>> import memcache\n>>> conn = memcache\.Client\(\[\('127\.0\.0\.1:\d+', 4\), \('127\.0\.0\.1:\d+', 3\), \('127\.0\.0\.1:\d+', 1\), \('127\.0\.0\.1:\d+', 2\)\]\)/)
    const line = page.getByRole('combobox', { name: 'Python line' }) // a text input with a list of past calls
    await line.fill("conn.set('key5', 'value5')")
    await line.press('Enter')
    await expect(page).toHaveURL(/\/memcache#console$/)
    await expect(console.locator('ol.history')).toContainText(">>> conn.set('key5', 'value5')\nTrue")
    await expect(line).toHaveValue('') // an empty prompt after a run
    await line.fill("conn.get_multi(['key5', 'key6'])")
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(console.locator('ol.history')).toContainText(">>> conn.get_multi(['key5', 'key6'])\n{'key5': 'value5'}")
    await line.fill('conn.flush_all()')
    await line.press('Enter')
    await expect(page.getByRole('alert')).toContainText("AttributeError: 'Client' object has no attribute 'flush_all'")
    await expect(line).toHaveValue('conn.flush_all()') // kept, to be fixed
    await expect(line).toHaveAttribute('aria-invalid', 'true')
  })
})
