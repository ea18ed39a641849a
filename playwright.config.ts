import { defineConfig, devices } from '@playwright/test'
import { existsSync } from 'node:fs'

const PORT = Number(process.env.E2E_PORT ?? 9998)
// Debian's chromium where present (browsers cannot be downloaded here); Playwright's own elsewhere.
const systemChromium = '/usr/bin/chromium'

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: existsSync(systemChromium) ? systemChromium : undefined,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync']
    }
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: {
    command: 'node e2e/serve.ts',
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 30_000,
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      COOKIE_SECRET: 'e2e-secret-that-is-long-enough-0123456789',
      LOG_LEVEL: 'warn',
      METRICS_PORT: '0',
      // Every spec runs from 127.0.0.1: a limit well above what they use together.
      PLAYGROUND_KEYS_PER_MINUTE: '2000',
      SESSION_WRITES_PER_MINUTE: '0',
      SESSION_NEW_PER_MINUTE: '0'
    }
  }
})
