/**
 * The renderer's live usage tick with 10,000 VMs in the list, in Chromium (Debian's /usr/bin/chromium),
 * against the real services (a temporary inventory built by src/main/app.ts, bridged into the page the way
 * the e2e tests do) and the built renderer (run `npm run build` first; `npm run bench:usage` does).
 *
 * A tick: one poll of every host arrives (50 `usage.sample` events of 200 VMs: the 10,000 VMs of the list,
 * pushed through the bridge's event function as main's events are), the store applies them, and at the
 * next frame the views redraw: the CPU sparklines and memory figures of the rows in view, or a page's
 * charts. Timed in the page: the event handlers, plus the next frame's work from its first animation-frame
 * callback to the redrawn cells laid out (the idle time between the two frames is not counted).
 *
 * Rows:
 *   - list page: the tick as described, target ≤ 4 ms p95 (issue 22);
 *   - baseline: the same samples applied to the same store code (features/usage/store.ts, bundled apart by
 *     esbuild) in a blank page of the same browser, with no view: the store update only;
 *   - VM page and host page (information): the same tick with that page's uPlot charts redrawn.
 * BENCH_TICKS (default 120) sets the ticks per row; the first 10 of each row (warm-up) are not counted.
 * BENCH_PARTS=1 prints each row's medians of its parts: the event handlers (the store update), the next
 * frame's callbacks (the views drawing), and the forced layout. BENCH_TRACE=file writes a Chromium trace
 * of the list row's ticks there (devtools.timeline: layouts with how many objects each laid out).
 */
import { chromium, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../src/main/app';
import { inTransaction } from '../src/main/inventory/db';
import { inProcessBridge } from '../src/main/ipc/in-process';
import type { VmState } from '../src/shared/domain/vm';
import { CHANNELS, EVENTS } from '../src/shared/ipc/channels';
import { createClient, type QhciClient } from '../src/shared/ipc/transport';
import { EMIT_FUNCTION, INVOKE_BINDING, installBridge } from '../tests/e2e/bridge';
import { assertRendererBuilt, INDEX_URL, REPO_ROOT, serveRenderer } from '../tests/e2e/serve';

const N = 10_000;
const HOSTS = 50;
const TICKS = Number(process.env.BENCH_TICKS ?? 120);
const WARMUP = 10;
const TARGET_MS = 4;
const CHROMIUM = process.env.QHCI_CHROMIUM ?? '/usr/bin/chromium';
const NAME_HELPER = 'globalThis.__name = (fn) => fn;';
const STATES: VmState[] = ['running', 'running', 'running', 'shutoff', 'paused'];

// The page's globals, as far as the code below uses them (this file is typechecked without DOM).
declare const window: Record<string, unknown>;
declare const document: { body: { offsetHeight: number } };
declare function requestAnimationFrame(fn: () => void): void;

interface BenchPlan {
  /** VM ids by pseudo-host (the 50 samples of a tick), and the real hosts (a sample each, no VMs). */
  readonly groups: readonly (readonly string[])[];
  readonly realHosts: readonly string[];
}

async function seed(app: ReturnType<typeof createApp>, client: QhciClient): Promise<BenchPlan> {
  const realHosts: string[] = [];
  // The fourth gets none of the 10,000 (its page lists its VMs unvirtualised): the host page's row.
  for (const name of ['rack1-kvm', 'rack2-kvm', 'rack3-kvm', 'idle-kvm']) {
    const host = await client.call('hosts.add', {
      name,
      connection: { kind: 'libvirt', uri: 'test:///default' },
    });
    realHosts.push(host.id);
  }
  const tree = await client.call('folders.tree', {});
  inTransaction(app.inventory.db, () => {
    for (let i = 0; i < N; i++) {
      app.repos.vms.insert({
        projectId: tree.projectId,
        name: `vm-${String(i).padStart(5, '0')}`,
        hostId: realHosts[i % 3]!,
        folderId: null,
        state: STATES[i % STATES.length]!,
      });
    }
  });
  const vms = await client.call('vms.list', {});
  const groups: string[][] = Array.from({ length: HOSTS }, () => []);
  vms.forEach((vm, i) => groups[i % HOSTS]!.push(vm.id));
  return { groups, realHosts };
}

/**
 * Installs in the page `__benchTicks(n, emit)`: n ticks of samples, each timed as the header says. `emit`
 * names a global function (name, payload) that delivers an event: the bridge's, or the baseline's store.
 */
function installTicker(page: Page, plan: BenchPlan): Promise<void> {
  return page.evaluate(
    ({ groups, realHosts }) => {
      const samplesAt = (k: number, at: number) => {
        const out: unknown[] = groups.map((ids, h) => ({
          hostId: `bench-host-${h}`,
          at,
          host: { cpuPercent: (k * 7 + h) % 100, memUsedBytes: 2 ** 33, memTotalBytes: 2 ** 35 },
          vms: ids.map((vmId, i) => ({
            vmId,
            cpuPercent: (k * 3 + i) % 97,
            memoryBytes: ((k + i) % 64) * 2 ** 24,
            diskReadBps: (k * 11 + i) % 5000,
            diskWriteBps: (k * 13 + i) % 7000,
            netRxBps: (k * 17 + i) % 9000,
            netTxBps: (k * 19 + i) % 3000,
          })),
        }));
        for (const [h, hostId] of realHosts.entries()) {
          out.push({
            hostId,
            at,
            host: {
              cpuPercent: (k * 5 + h) % 100,
              memUsedBytes: 2 ** 32 + k * 2 ** 20,
              memTotalBytes: 2 ** 34,
            },
            vms: [],
          });
        }
        return out;
      };
      const frame = () => new Promise<void>((r) => requestAnimationFrame(r));
      window.__benchTicks = async (n: number, emitName: string, start: number) => {
        const emit = window[emitName] as (name: string, payload: unknown) => void;
        const times: number[] = [];
        const parts: number[][] = [];
        window.__benchParts = parts;
        for (let k = 0; k < n; k++) {
          const samples = samplesAt(start + k, 1_000_000 + (start + k) * 2000);
          await frame();
          const t = await new Promise<number>((resolve) => {
            requestAnimationFrame(() => {
              let next = 0;
              requestAnimationFrame(() => (next = performance.now()));
              const t0 = performance.now();
              for (const s of samples) emit('usage.sample', s);
              const handlers = performance.now() - t0;
              requestAnimationFrame(() => {
                const drawn = performance.now();
                void document.body.offsetHeight;
                const end = performance.now();
                parts.push([handlers, drawn - next, end - drawn]);
                resolve(handlers + (end - next));
              });
            });
          });
          times.push(t);
        }
        return times;
      };
    },
    { groups: plan.groups, realHosts: plan.realHosts },
  );
}

let tickNo = 0;
async function ticks(page: Page, emit: string): Promise<number[]> {
  const times = await page.evaluate(
    ([n, e, s]) => (window.__benchTicks as (n: number, e: string, s: number) => Promise<number[]>)(n, e, s),
    [TICKS + WARMUP, emit, tickNo] as const,
  );
  tickNo += TICKS + WARMUP;
  if (process.env.BENCH_PARTS) {
    const parts = (await page.evaluate(() => window.__benchParts)) as number[][];
    const med = (i: number) =>
      percentile(
        parts.slice(WARMUP).map((p) => p[i]!),
        50,
      ).toFixed(2);
    console.log(`  parts (p50 ms): handlers ${med(0)}, frame callbacks ${med(1)}, layout ${med(2)}`);
  }
  return times.slice(WARMUP);
}

/** The store alone in a blank page: features/usage/store.ts bundled by esbuild, fed the same samples. */
async function storeOnlyPage(page: Page): Promise<void> {
  const out = await build({
    entryPoints: [join(REPO_ROOT, 'src/renderer/src/features/usage/store.ts')],
    bundle: true,
    format: 'iife',
    globalName: '__usage',
    write: false,
    minify: true,
    target: 'es2022',
  });
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.evaluate(NAME_HELPER);
  await page.addScriptTag({ content: out.outputFiles[0]!.text });
  await page.evaluate(() => {
    const mod = window.__usage as { usageStore: { ingest(s: unknown): void } };
    window.__storeEmit = (_name: string, payload: unknown) => mod.usageStore.ingest(payload);
  });
}

function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

async function main() {
  assertRendererBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'qhci-bench-usage-'));
  const app = createApp({ dataDir, migrationsDir: join(REPO_ROOT, 'migrations'), version: 'bench' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const client = createClient(inProcessBridge(app));
    const plan = await seed(app, client);
    const page = await browser.newPage({ viewport: { width: 1800, height: 1000 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.exposeBinding(INVOKE_BINDING, (_s, channel: unknown, input: unknown) =>
      app.dispatch(channel, input),
    );
    await page.addInitScript(NAME_HELPER);
    await page.addInitScript(installBridge, {
      channels: CHANNELS,
      events: EVENTS,
      invokeBinding: INVOKE_BINDING,
      emitFunction: EMIT_FUNCTION,
    });
    await serveRenderer(page, problems);
    await page.goto(INDEX_URL);
    await page.getByTestId('brand').waitFor({ timeout: 5000 });
    await page.getByTestId('nav-vms').click();
    await page
      .getByTestId('vm-count')
      .filter({ hasText: /^\d+ VMs$/ })
      .waitFor({ timeout: 10_000 });
    await installTicker(page, plan);

    if (process.env.BENCH_TRACE) await browser.startTracing(page, { categories: ['devtools.timeline'] });
    const list = await ticks(page, EMIT_FUNCTION);
    if (process.env.BENCH_TRACE) writeFileSync(process.env.BENCH_TRACE, await browser.stopTracing());
    const rowsInView = await page
      .locator('[data-testid="vm-table"] tr.qhci-vm-row:not([aria-hidden])')
      .count();
    const drawn = await page.locator('[data-testid^="vm-cpu-"]').filter({ hasText: '%' }).count();

    await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'bench-usage-list.png') });
    await page.getByTestId('vm-open-vm-00000').click();
    await page.getByTestId('vm-usage-cpu-chart').locator('canvas').waitFor();
    const vmPage = await ticks(page, EMIT_FUNCTION);
    await page.getByTestId('nav-hosts').click();
    await page.getByTestId('host-open-idle-kvm').click();
    await page.getByTestId('host-usage-cpu-chart').locator('canvas').waitFor();
    const hostPage = await ticks(page, EMIT_FUNCTION);

    const blank = await browser.newPage({ viewport: { width: 1800, height: 1000 } });
    await storeOnlyPage(blank);
    await installTicker(blank, plan);
    const storeOnly = await ticks(blank, '__storeEmit');

    const fmt = (x: number) => x.toFixed(2).padStart(8);
    const line = (name: string, xs: number[], target: number | null) => {
      const p95 = percentile(xs, 95);
      const verdict = target === null ? '   (info)' : p95 <= target ? '   ok' : '   OVER';
      const t = target === null ? '—' : `≤ ${target}`;
      console.log(
        `${name.padEnd(56)}${fmt(percentile(xs, 50))}${fmt(p95)}${fmt(Math.max(...xs))}${t.padStart(9)}${verdict}`,
      );
    };
    console.log(
      `\nLive usage tick, ${N} VMs in ${HOSTS} samples of ${N / HOSTS}, Chromium ${browser.version()}`,
    );
    console.log(
      `Machine: ${cpus().length} CPUs, load average ${loadavg()
        .map((x) => x.toFixed(1))
        .join(' ')}`,
    );
    console.log(
      `${`ms, n=${TICKS} ticks per row`.padEnd(56)}${'p50'.padStart(8)}${'p95'.padStart(8)}${'max'.padStart(8)}${'target'.padStart(9)}`,
    );
    line('list page: samples applied, visible cells redrawn', list, TARGET_MS);
    line('baseline: the same samples, store update only', storeOnly, null);
    line('VM page: samples applied, its 4 uPlot charts redrawn', vmPage, null);
    line('host page: samples applied, its 3 uPlot charts redrawn', hostPage, null);
    const ratio = percentile(list, 95) / percentile(storeOnly, 95);
    console.log(
      `(${rowsInView} rows in view, ${drawn} CPU cells showing a figure; list p95 is ${ratio.toFixed(2)}× the store-only p95)`,
    );
    if (problems.length > 0) console.log(`Page problems: ${problems.join('; ')}`);
  } finally {
    await browser.close();
    app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
