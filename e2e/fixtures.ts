// A page object for the session page, and a check that the page never breaks its own CSP.
import { test as base, expect, type Page } from '@playwright/test'

export class SessionPage {
  readonly page: Page
  constructor (page: Page) { this.page = page }

  async goto () {
    await this.page.goto('/')
  }

  async submit (action: 'set' | 'del', key: string, val = '') {
    await this.page.getByLabel('Action').selectOption(action)
    await this.page.getByLabel('Key').fill(key)
    await this.page.getByLabel('Val').fill(val)
    await this.page.getByRole('button', { name: 'Submit' }).click()
  }

  row (key: string) {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('cell', { name: key, exact: true }) })
  }

  get table () {
    return this.page.getByRole('table', { name: 'Keys and values of this session' })
  }
}

export const test = base.extend<{ sessionPage: SessionPage, cspViolations: string[] }>({
  // Every test's page is watched: a CSP violation (an inline script or style we forgot) fails it.
  cspViolations: [async ({ page }, use) => {
    const violations: string[] = []
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text())
    })
    await use(violations)
    expect(violations).toEqual([])
  }, { auto: true }],
  sessionPage: async ({ page }, use) => {
    await use(new SessionPage(page))
  }
})

export { expect }
