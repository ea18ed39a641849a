// The pages in Chinese, the tutorial's own language: chosen from the browser's language (locale
// zh-CN sends Accept-Language: zh-CN), switched by the link in the header without JavaScript and
// remembered; every chapter checked and photographed at 1280 and 390 px (e2e/page-checks.ts).
import { expect } from './fixtures.ts'
import { test } from './down-app.ts'
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

      test('chapter 1: the nodes, a telnet check, a node that is not there', async ({ page }, testInfo) => {
        test.slow() // three full checks of a long page
        await page.goto('/start')
        await expect(page.locator('html')).toHaveAttribute('lang', 'zh-Hans')
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('1. 启动 memcached')
        await checkPage(page, testInfo, `zh-start-${size}`)
        await page.getByRole('button', { name: '检查' }).click()
        await expect(page.getByRole('status')).toContainText('VERSION 1.') // the exchange stays as it is
        await checkPage(page, testInfo, `zh-start-check-${size}`)
        await page.goto('/start?check=99#check')
        await expect(page.getByRole('alert')).toContainText('这里没有节点 99')
        await checkPage(page, testInfo, `zh-start-no-node-${size}`)
      })

      test('chapters 2 and 3: the playground after a run, the two clients', async ({ page }, testInfo) => {
        test.slow()
        await page.goto('/memcache')
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('2. 客户端 API')
        await checkPage(page, testInfo, `zh-playground-${size}`)
        const set = page.locator('section#set')
        await set.getByLabel('键').fill('greeting')
        await set.getByLabel('值').fill("'hello'")
        await set.getByRole('button', { name: '运行 set' }).click()
        await expect(set.getByRole('status', { name: 'set 的结果' })).toContainText("conn.set('greeting', 'hello')")
        await checkPage(page, testInfo, `zh-playground-run-${size}`)
        await page.goto('/cas')
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('3. 两个客户端：gets 与 cas')
        await page.locator('section#conn1').getByRole('button', { name: 'conn1.set' }).click()
        await page.locator('section#conn1').getByRole('button', { name: 'conn1.gets' }).click()
        await expect(page.locator('section#conn1').getByLabel(/的新值/)).toBeVisible()
        await checkPage(page, testInfo, `zh-cas-${size}`)
      })

      test('chapter 4: the cluster page, a located key, an empty Locate', async ({ page }, testInfo) => {
        test.slow()
        await page.goto('/cluster')
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('4. 多个带权重的节点')
        await checkPage(page, testInfo, `zh-cluster-${size}`)
        await page.getByRole('textbox', { name: '键' }).fill('pg:greeting')
        await page.getByRole('button', { name: '查找' }).click()
        await expect(page.getByRole('status')).toContainText('pg:greeting 会去 节点 1')
        await checkPage(page, testInfo, `zh-cluster-located-${size}`)
        await page.getByRole('textbox', { name: '键' }).fill('')
        await page.getByRole('button', { name: '查找' }).click()
        await expect(page.getByRole('alert')).toContainText('请输入要查找的键')
        await checkPage(page, testInfo, `zh-cluster-empty-locate-${size}`)
      })

      test('chapter 5: the session page, empty, with data, with an error; a page that is not there', async ({ page }, testInfo) => {
        test.slow()
        await page.goto('/')
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('你的会话')
        await checkPage(page, testInfo, `zh-session-empty-${size}`)
        await page.getByLabel('键', { exact: true }).fill('name')
        await page.getByLabel('值', { exact: true }).fill('Ada Lovelace, who wrote the first program for a machine that was never built')
        await page.getByRole('button', { name: '提交' }).click()
        await expect(page.getByRole('status').filter({ hasText: '已保存。' })).toBeVisible()
        await page.getByText('memcached 中保存的内容').click()
        await checkPage(page, testInfo, `zh-session-data-${size}`)
        await page.getByLabel('键', { exact: true }).fill('')
        await page.getByRole('button', { name: '提交' }).click()
        await expect(page.getByRole('alert')).toHaveText('键不能为空。')
        await checkPage(page, testInfo, `zh-session-error-${size}`)
        const missing = await page.goto('/no-such-page')
        expect(missing!.status()).toBe(404)
        await expect(page.getByRole('heading', { level: 1 })).toHaveText('找不到页面')
        await checkPage(page, testInfo, `zh-not-found-${size}`)
      })

      test('with a node down: the cluster page, the session page, chapter 1', async ({ page, downURL }, testInfo) => {
        test.slow()
        await page.goto(`${downURL}/cluster`)
        await expect(page.locator('tr#node-2 .badge.down')).toHaveText('宕机')
        await checkPage(page, testInfo, `zh-cluster-down-${size}`)
        await page.goto(`${downURL}/`)
        await checkPage(page, testInfo, `zh-session-down-${size}`)
        await page.goto(`${downURL}/start?check=2#check`)
        await expect(page.getByRole('status')).toContainText('Unable to connect to remote host')
        await checkPage(page, testInfo, `zh-start-down-${size}`)
      })
    })
  }
})
