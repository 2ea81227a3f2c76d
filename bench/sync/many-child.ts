/**
 * The qhci side of the 50-host sync bench, in its own process so that its peak RSS (VmHWM) is the sync's
 * alone. Modes (argv: mode dataDir hostsFile clientKey [deadPort]):
 *   setup: adds every host of hostsFile (each add connects and syncs it once);
 *   run:   a fresh app (no connection open) syncs all hosts: cold (connects included), then twice warm;
 *   dead:  as run's cold sync, with one more host that accepts TCP and never answers (127.0.2.1:deadPort).
 * Prints one JSON line with the timings and VmHWM.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../../src/main/app';
import { createHostsRepo } from '../../src/main/inventory/hosts.repo';
import type { HostSyncOutcome } from '../../src/main/services/hosts';
import { simConnection, type SimHost } from '../../tests/helpers/sim-hosts';

const [mode, dataDir, hostsFile, clientKey, deadPort] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string | undefined,
];
const sims = JSON.parse(readFileSync(hostsFile, 'utf8')) as SimHost[];
const app = createApp({
  dataDir,
  migrationsDir: resolve(__dirname, '../../migrations'),
  log: () => undefined,
  reconcile: false,
  // BENCH_CONCURRENT: how many hosts sync at once (default: the app's own, 16).
  ...(process.env.BENCH_CONCURRENT
    ? { hosts: { concurrentSyncs: Number(process.env.BENCH_CONCURRENT) } }
    : {}),
});

const vmHwmKb = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);

/** Syncs every host (hosts.syncAll); when each one ended, in ms from the start. */
async function syncAll(ids: string[]) {
  const t0 = performance.now();
  const ended = new Map<string, number>();
  // Calls for a host already syncing share its run: these only note when each one ends.
  for (const id of ids)
    void app.hosts
      .sync(id)
      .catch(() => undefined)
      .finally(() => ended.set(id, performance.now() - t0));
  const outcomes: HostSyncOutcome[] = await app.hosts.syncAll(ids);
  return { ms: performance.now() - t0, ended, outcomes };
}

async function main() {
  if (mode === 'setup') {
    await Promise.all(
      sims.map((h) =>
        app.handlers['hosts.add']({
          projectId: undefined,
          name: h.name,
          connection: simConnection(h, clientKey),
          acceptFingerprint: h.hostKeyFingerprint,
        }),
      ),
    );
    console.log(JSON.stringify({ hosts: app.hosts.list(undefined).length }));
    return;
  }
  const live = app.hosts.list(undefined);
  if (mode === 'run') {
    const ids = live.map((h) => h.id);
    const cold = await syncAll(ids);
    const warm = [await syncAll(ids), await syncAll(ids)];
    const failed = [cold, ...warm].flatMap((r) => r.outcomes.filter((o) => !o.ok));
    const domains = cold.outcomes.reduce((n, o) => n + (o.ok ? o.report.domains : 0), 0);
    console.log(
      JSON.stringify({
        coldMs: cold.ms,
        warmMs: Math.min(...warm.map((w) => w.ms)),
        domains,
        failed: failed.length,
        vmHwmKb: vmHwmKb(),
      }),
    );
    return;
  }
  // dead: one more host, where only the connect timeout ends the attempt.
  const repo = createHostsRepo(app.inventory.db);
  const { id: _first, ...template } = repo.getRecord(live[0]!.id)!;
  const deadId = repo.insert({ ...template, name: 'dead', address: '127.0.2.1', port: Number(deadPort) });
  const ids = [deadId, ...live.map((h) => h.id)];
  const r = await syncAll(ids);
  const dead = r.outcomes[0]!;
  const liveDone = Math.max(...live.map((h) => r.ended.get(h.id)!));
  console.log(
    JSON.stringify({
      totalMs: r.ms,
      liveDoneMs: liveDone,
      deadMs: r.ended.get(deadId),
      deadError: dead.ok ? null : dead.message,
      liveFailed: r.outcomes.slice(1).filter((o) => !o.ok).length,
      vmHwmKb: vmHwmKb(),
    }),
  );
  repo.remove(deadId);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => app.close());
