// The pages in Chinese, the tutorial's own language: chosen from the browser's language (locale
// zh-CN sends Accept-Language: zh-CN), switched by the link in the header without JavaScript and
// remembered; every chapter checked and photographed at 1280 and 390 px (e2e/page-checks.ts).
import { test, expect } from './fixtures.ts'
import { checkPage } from './page-checks.ts'

const SIZES = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } }
] as const

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('the switch in the header: to Chinese and back, remembered from page to page', async ({ page }) => {
    await page.goto('/cluster?key=pg%3Agreeting')
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')
    await page.getByRole('link', { name: '中文' }).click()
    await expect(page).toHaveURL(/\/cluster\?key=pg%3Agreeting$/) // back where it was clicked
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans')
    const nav = page.getByRole('navigation', { name: '章节' })
    await expect(nav.getByRole('link')).toHaveText(['1 启动', '2 命令', '3 CAS', '4 集群', '5 会话'])
    await nav.getByRole('link', { name: '1 启动' }).click()
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('1. 启动 memcached')
    await page.getByRole('link', { name: 'English' }).click()
    await expect(page).toHaveURL(/\/start$/)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('1. Start memcached')
    await page.goto('/memcache')
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  })
})

test.describe('in Chinese, from the browser\'s language', () => {
  test.use({ locale: 'zh-CN' })

  for (const { name: size, viewport } of SIZES) {
    test.describe(`at ${viewport.width}×${viewport.height}`, () => {
      test.use({ viewport })

      test('every chapter', async ({ page }, testInfo) => {
        test.slow() // five full checks
        for (const [path, name] of [['/start', 'start'], ['/memcache', 'playground'], ['/cas', 'cas'], ['/cluster', 'cluster'], ['/', 'session']] as const) {
          await page.goto(path)
          await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans')
          await checkPage(page, testInfo, `zh-${name}-${size}`)
        }
      })
    })
  }
})
