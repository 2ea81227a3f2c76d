/**
 * Many hosts at once (issue 22): simulated hosts of the testbed (scripts/testbed.sh up-many), synced all
 * together. Twenty hosts of 60 domains, not the fifty of 200, to keep CI time small (each virsh of
 * a test-driver host reads its whole node file); bench/sync.bench.ts runs fifty of 200. A silent host (it
 * accepts TCP and never answers) among them fails alone, with its reason, while the others finish, in a
 * time compared with what they take without it.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../../src/main/app';
import { createHostsRepo } from '../../../src/main/inventory/hosts.repo';
import { MIGRATIONS_DIR, tempDir } from '../../helpers/app';
import { silentHost, simConnection, startSimHosts, type SimHost } from '../../helpers/sim-hosts';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const COUNT = 20;
const DOMAINS = 60;
const CONCURRENT = 8;

describe.skipIf(!testbed)(`${COUNT} hosts synced together ${NO_TESTBED}`, () => {
  let sims: SimHost[];
  let dataDir: string;
  /** How long the first test's cold sync of all live hosts took. */
  let aloneMs = 0;
  const apps: App[] = [];
  const open = (hosts?: Parameters<typeof createApp>[0]['hosts']) => {
    const app = createApp({
      dataDir,
      migrationsDir: MIGRATIONS_DIR,
      version: 'test',
      reconcile: false,
      log: () => undefined,
      ...(hosts ? { hosts } : {}),
    });
    apps.push(app);
    return app;
  };
  /** A cold sync of every host (a new app: no connection open), and when each one ended. */
  const coldSyncAll = async (app: App, ids: string[]) => {
    const t0 = performance.now();
    const ended = new Map<string, number>();
    for (const id of ids)
      void app.hosts
        .sync(id)
        .catch(() => undefined)
        .finally(() => ended.set(id, performance.now() - t0));
    let peak = 0;
    let queued = 0;
    const sample = setInterval(() => {
      const l = app.hosts.syncLoad();
      peak = Math.max(peak, l.running);
      queued = Math.max(queued, l.waiting);
    }, 5);
    const outcomes = await app.hosts.syncAll(ids);
    clearInterval(sample);
    return { outcomes, ended, ms: performance.now() - t0, peak, queued };
  };

  beforeAll(() => {
    sims = startSimHosts(COUNT, DOMAINS);
    dataDir = tempDir();
  });
  afterAll(() => {
    // Those a failed test left open (closing twice is harmless).
    apps.forEach((a) => a.close());
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds the hosts, then syncs them all, at most 8 at once, with every domain in the inventory', async () => {
    const app = open({ concurrentSyncs: CONCURRENT });
    await Promise.all(
      sims.map((h) =>
        app.handlers['hosts.add']({
          projectId: undefined,
          name: h.name,
          connection: simConnection(h, testbed!.clientKey),
          acceptFingerprint: h.hostKeyFingerprint,
        }),
      ),
    );
    app.close();
    const cold = open({ concurrentSyncs: CONCURRENT });
    const ids = cold.hosts.list(undefined).map((h) => h.id);
    expect(ids).toHaveLength(COUNT);
    const r = await coldSyncAll(cold, ids);
    aloneMs = r.ms;
    expect(r.outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(r.peak).toBeLessThanOrEqual(CONCURRENT);
    expect(r.peak).toBeGreaterThan(1);
    expect(r.queued).toBeGreaterThan(0);
    const counts = cold.inventory.db
      .prepare<[], { host: string; state: string; n: number }>(
        `SELECT h.name AS host, v.state AS state, count(*) AS n FROM vms v JOIN hosts h ON h.id = v.host_id
         GROUP BY h.name, v.state ORDER BY h.name, v.state`,
      )
      .all();
    // The node files run two domains in three and leave every third shut off.
    const shutoff = Math.floor(DOMAINS / 3);
    expect(counts).toEqual(
      sims.flatMap((h) => [
        { host: h.name, state: 'running', n: DOMAINS - shutoff },
        { host: h.name, state: 'shutoff', n: shutoff },
      ]),
    );
    const vm = cold.inventory.db
      .prepare<[string], { details: string; vcpus: number; memory_bytes: number }>(
        'SELECT details, vcpus, memory_bytes FROM vms WHERE name = ?',
      )
      .get('vm-002-0004')!;
    const details = JSON.parse(vm.details) as { disks: unknown[]; nics: { source: string }[] };
    expect(details.disks).toHaveLength(3);
    expect(details.nics.map((n) => n.source)).toEqual(['default', 'storage']);
    expect(vm).toMatchObject({ vcpus: 1, memory_bytes: 512 * 5 * 1024 * 1024 });
    cold.close();
  }, 60_000);

  it('a silent host fails alone with its reason; the others end before it, not after', async () => {
    // The connect timeout is set from how long the live hosts took, cold, without it (the first test).
    expect(aloneMs).toBeGreaterThan(0);
    const silent = await silentHost();
    try {
      // Twice what the others take: if the silent host held them up by its timeout, they would end after it.
      const connectTimeoutMs = Math.max(2000, Math.round(2 * aloneMs));
      const app = open({ concurrentSyncs: CONCURRENT, connectTimeoutMs });
      const live = app.hosts.list(undefined).map((h) => h.id);
      const repo = createHostsRepo(app.inventory.db);
      const { id: _first, ...template } = repo.getRecord(live[0]!)!;
      const deadId = repo.insert({ ...template, name: 'silent', address: '127.0.2.1', port: silent.port });
      // First in line: it takes a slot before any live host does.
      const r = await coldSyncAll(app, [deadId, ...live]);
      const [dead, ...others] = r.outcomes;
      expect(dead).toMatchObject({ hostId: deadId, ok: false, code: 'HOST_ERROR' });
      expect(dead!.ok ? '' : dead!.message).toMatch(/did not answer in time/);
      expect(others.every((o) => o.ok)).toBe(true);
      const deadAt = r.ended.get(deadId)!;
      const lastLive = Math.max(...live.map((id) => r.ended.get(id)!));
      expect(deadAt).toBeGreaterThanOrEqual(connectTimeoutMs * 0.9);
      expect(deadAt).toBeLessThan(connectTimeoutMs + aloneMs);
      expect(lastLive).toBeLessThan(deadAt);
      expect(app.hosts.list(undefined).find((h) => h.id === deadId)).toMatchObject({
        stale: true,
        lastError: dead!.ok ? '' : dead!.message,
      });
      app.close();
    } finally {
      silent.close();
    }
  }, 60_000);
});
