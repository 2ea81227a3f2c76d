/**
 * Per test: a real QHCI app (src/main/app.ts) on a fresh temporary data directory, in the test process,
 * bridged into Chromium the way preload bridges it into Electron's renderer, and the built renderer
 * served to the page. After the test: the app is closed, the directory removed, and the test fails if the
 * page logged any error (a CSP violation, an exception, a refused request).
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, type App } from '../../src/main/app';
import { CHANNELS, EVENTS } from '../../src/shared/ipc/channels';
import type { Channel, ChannelInput, ChannelOutput } from '../../src/shared/ipc/contract';
import { createClient } from '../../src/shared/ipc/transport';
import { EMIT_FUNCTION, INVOKE_BINDING, installBridge } from './bridge';
import { relayStreams } from './stream-relay';
import { assertRendererBuilt, INDEX_URL, REPO_ROOT, serveRenderer } from './serve';

export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-results', 'screenshots');

export interface Qhci {
  /** The real app the page talks to. */
  readonly app: App;
  readonly dataDir: string;
  /** Calls main directly, as the renderer would, throwing AppError on failure. */
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  /** Every channel the page has invoked, in order. */
  readonly invocations: string[];
  /** Console errors, page errors and refused requests seen so far. */
  readonly problems: string[];
  /** Loads the renderer and waits for the shell. */
  open(): Promise<void>;
  /**
   * What main's file dialog (files.pick) chooses next, as the user would in Electron's dialog; with none
   * queued it is cancelled. The page itself only ever sees the token.
   */
  choose(path: string): void;
  /**
   * Saves test-results/screenshots/<name>.png. A modal scrolls inside the viewport, so `height` makes the
   * viewport that tall for the shot (then restores it) to show all of a long dialog.
   */
  screenshot(name: string, opts?: { height?: number }): Promise<void>;
}

async function pushEvent(page: Page, event: string, payload: unknown): Promise<void> {
  await page.evaluate(
    ([fn, e, p]) => {
      const emit = (globalThis as unknown as Record<string, unknown>)[fn];
      if (typeof emit === 'function') emit(e, p);
    },
    [EMIT_FUNCTION, event, payload] as const,
  );
}

export const test = base.extend<{
  qhci: Qhci;
  qhciMonitor: { pollMs: number } | undefined;
  qhciPrepare: { run(dataDir: string): Promise<void> } | undefined;
}>({
  /** `test.use({ qhciMonitor: { pollMs } })` makes the app watch its hosts live, as the desktop app does. */
  qhciMonitor: [undefined, { option: true }],
  /** `test.use({ qhciPrepare: { run } })`: run(dataDir) before the app starts on that directory. */
  qhciPrepare: [undefined, { option: true }],
  qhci: async ({ page, qhciMonitor, qhciPrepare }, use) => {
    assertRendererBuilt();
    const dataDir = mkdtempSync(join(tmpdir(), 'qhci-e2e-'));
    if (qhciPrepare) await qhciPrepare.run(dataDir);
    const chosen: string[] = [];
    const app = createApp({
      dataDir,
      migrationsDir: join(REPO_ROOT, 'migrations'),
      version: 'e2e',
      pickFile: () => Promise.resolve(chosen.shift() ?? null),
      ...(qhciMonitor ? { monitor: qhciMonitor } : {}),
    });
    const problems: string[] = [];
    const invocations: string[] = [];

    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));

    const handOver = await relayStreams(page, app);
    await page.exposeBinding(INVOKE_BINDING, async (_source, channel: unknown, input: unknown) => {
      invocations.push(String(channel));
      // As Electron's IPC does: the window's calls name workstation files only by token.
      const result = await app.windowDispatch(channel, input);
      // As Electron's transport does: a console's port goes to the page before the result.
      if (channel === 'consoles.open') await handOver(result);
      return result;
    });
    await page.addInitScript(installBridge, {
      channels: CHANNELS,
      events: EVENTS,
      invokeBinding: INVOKE_BINDING,
      emitFunction: EMIT_FUNCTION,
    });
    await serveRenderer(page, problems);
    const unsubscribe = app.subscribe((event, payload) => {
      // The page may be navigating or closed; a lost event then matters to nobody.
      pushEvent(page, event, payload).catch(() => undefined);
    });
    const client = createClient({ invoke: (c, i) => app.dispatch(c, i), on: () => () => undefined });

    await use({
      app,
      dataDir,
      problems,
      invocations,
      call: (channel, input) => client.call(channel, input),
      choose: (path) => void chosen.push(path),
      async open() {
        await page.goto(INDEX_URL);
        await expect(page.getByTestId('brand')).toBeVisible();
      },
      async screenshot(name, opts) {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const viewport = page.viewportSize();
        if (opts?.height !== undefined && viewport) {
          await page.setViewportSize({ width: viewport.width, height: opts.height });
        }
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
        if (opts?.height !== undefined && viewport) await page.setViewportSize(viewport);
      },
    });

    unsubscribe();
    app.consoles.closeOwner('page');
    app.close();
    rmSync(dataDir, { recursive: true, force: true });
    expect(problems, 'the page logged errors or made requests it should not').toEqual([]);
  },
});

export { expect };
