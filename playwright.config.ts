import { defineConfig } from '@playwright/test';

/** Debian's Chromium; Playwright's own browser downloads do not work on these machines. */
export const CHROMIUM = process.env.QHCI_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results/playwright',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI
    ? [['list']]
    : [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  projects: [
    {
      // The built renderer in Chromium, bridged to the real main services (tests/e2e/fixtures.ts).
      name: 'renderer',
      testDir: 'tests/e2e',
      use: {
        browserName: 'chromium',
        viewport: { width: 1400, height: 900 },
        launchOptions: {
          executablePath: CHROMIUM,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
        screenshot: 'only-on-failure',
        trace: 'retain-on-failure',
      },
    },
    {
      // The packaged app in a real Electron binary; skips itself when the binary is absent.
      name: 'electron',
      testDir: 'tests/electron',
    },
  ],
});
