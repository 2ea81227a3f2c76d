/**
 * Tall screenshots of whole wizard steps, saved in test-results/screenshots (which later Playwright runs in
 * the same `npm test` do not wipe, unlike each test's output directory) and attached to the report.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { SCREENSHOT_DIR } from './fixtures';

export async function stepShot(page: Page, testInfo: TestInfo, name: string, height = 1300): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `wizard-${name}.png`);
  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: viewport.width, height });
  await page.screenshot({ path, fullPage: true });
  await page.setViewportSize(viewport);
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
