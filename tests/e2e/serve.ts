/**
 * Serves the built renderer (out/renderer) to the page from Playwright's request interception, at
 * http://qhci.localhost/. Chromium refuses ES module scripts from file://, and no server is added to the
 * product. Every other request is refused and reported: the renderer must not reach anything else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { Page } from '@playwright/test';

export const REPO_ROOT = resolve(__dirname, '../..');
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer');
export const ORIGIN = 'http://qhci.localhost';
export const INDEX_URL = `${ORIGIN}/index.html`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json',
};

export function assertRendererBuilt(): void {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(
      `The built renderer is missing (${join(RENDERER_DIR, 'index.html')}). ` +
        'Run `npm run build` (electron-vite build) before `npx playwright test --project=renderer`.',
    );
  }
}

export async function serveRenderer(page: Page, problems: string[]): Promise<void> {
  await page.route(
    (url) => url.origin !== ORIGIN,
    async (route) => {
      problems.push(`request outside the app: ${route.request().url()}`);
      await route.abort('blockedbyclient');
    },
  );
  await page.route(`${ORIGIN}/**`, async (route) => {
    const { pathname } = new URL(route.request().url());
    const file = resolve(RENDERER_DIR, `.${decodeURIComponent(pathname)}`);
    const inside = relative(RENDERER_DIR, file);
    if (inside.startsWith('..') || inside.startsWith(sep) || !existsSync(file)) {
      problems.push(`not found in out/renderer: ${pathname}`);
      await route.fulfill({ status: 404, body: 'not found' });
      return;
    }
    await route.fulfill({
      status: 200,
      contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      body: readFileSync(file),
    });
  });
}
