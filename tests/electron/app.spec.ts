/**
 * The built app in a real Electron binary. Skips itself where the binary cannot be had (no internet:
 * Electron downloads its binary lazily). On a machine with the binary it checks the window's lockdown.
 */
import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// A plain CommonJS helper shared with the npm scripts.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { electronBinary } = require('../../scripts/electron-binary.cjs') as {
  electronBinary: () => string | null;
};

const binary = electronBinary();

test.skip(!binary, 'No Electron binary on this machine (it cannot be downloaded without the internet)');

test('the window is sandboxed, isolated, and reaches main only through window.qhci', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'qhci-electron-'));
  const app = await electron.launch({
    executablePath: binary!,
    args: [resolve(__dirname, '../../out/main/index.js')],
    env: { ...process.env, QHCI_DATA_DIR: dataDir },
  });
  try {
    const page = await app.firstWindow();
    await expect(page).toHaveTitle(/QHCI/);
    const exposed = await page.evaluate(() => ({
      qhci: typeof (window as unknown as { qhci?: unknown }).qhci,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(exposed).toEqual({ qhci: 'object', require: 'undefined', process: 'undefined' });
    const tree = await page.evaluate(() =>
      (window as unknown as { qhci: { invoke(c: string, i: unknown): Promise<unknown> } }).qhci.invoke(
        'folders.tree',
        {},
      ),
    );
    expect(tree).toMatchObject({ ok: true, value: { path: '/' } });
    // Navigation away and new windows are refused.
    await page.evaluate(() => window.open('https://example.com/'));
    await page.evaluate(() => (window.location.href = 'https://example.com/'));
    await page.waitForTimeout(500);
    expect(app.windows()).toHaveLength(1);
    expect(page.url()).toMatch(/^file:/);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
