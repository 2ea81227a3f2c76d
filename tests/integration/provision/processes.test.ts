/**
 * Several `qhci vm create` processes at once on one data directory (as a script beside the desktop app
 * would run them), against a host that fits only some of them: exactly as many succeed as fit, the others
 * fail with the scheduler's reason and leave nothing behind, and the host is never over-committed. Before
 * reservations lived in the inventory, every process booked the same free capacity and all of them
 * succeeded.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/main/app';
import { inProcessBridge } from '../../../src/main/ipc/in-process';
import { createClient } from '../../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, REPO_ROOT, tempDir } from '../../helpers/app';
import { removeDomain, virsh } from '../../helpers/domains';
import { domainNames, MiB, POOL, poolVolumes, removeVolume, uniq } from '../../helpers/provision';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const PROCESSES = 6;
const FITS = 3;

function qhci(dataDir: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(join(REPO_ROOT, 'bin/qhci'), ['--data-dir', dataDir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

/** The real app on the data directory, for what the CLI does not set (the host's policy) and for checks. */
function openApp(dataDir: string) {
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'test', reconcile: false });
  return { app, client: createClient(inProcessBridge(app)) };
}

describe.skipIf(!testbed)(`creations from several processes on one inventory ${NO_TESTBED}`, () => {
  const dataDir = tempDir('qhci-procs-');
  const prefix = uniq('qt-proc');
  const names = Array.from({ length: PROCESSES }, (_, i) => `${prefix}-${i}`);
  let memory = 0;
  let hostId = '';

  beforeAll(async () => {
    const { app, client } = openApp(dataDir);
    try {
      hostId = (
        await client.call('hosts.add', {
          name: 'local',
          connection: { kind: 'libvirt', uri: 'qemu:///system' },
        })
      ).id;
      // Stopped VMs keep their memory booked: the VMs made here (not started) hold what they took.
      await client.call('hosts.update', { id: hostId, policy: { reserveStoppedVms: true } });
      const dry = await client.call('scheduler.place', {
        request: { vcpus: 1, memoryBytes: 64 * MiB, manualHost: hostId },
      });
      expect(dry.ok).toBe(true);
      if (!dry.ok) return;
      const free = dry.result.table.find((r) => r.hostId === hostId)!.free.memoryBytes!;
      // FITS VMs fit, FITS + 1 do not.
      memory = Math.floor(free / FITS / MiB) * MiB;
      expect(Math.floor(free / memory)).toBe(FITS);
    } finally {
      app.close();
    }
  });

  afterAll(() => {
    for (const n of names) {
      try {
        removeDomain(virsh('domuuid', n).trim());
      } catch {
        /* never made */
      }
    }
    for (const v of poolVolumes().filter((x) => x.startsWith(prefix))) removeVolume(v);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(
    `${PROCESSES} processes at once on a host with room for ${FITS}: ${FITS} succeed, the rest fail cleanly`,
    { timeout: 180_000 },
    async () => {
      const runs = await Promise.all(
        names.map((name) =>
          qhci(dataDir, [
            'vm',
            'create',
            name,
            '--host',
            'local',
            '--memory',
            String(memory / MiB) + 'M',
            '--disk',
            `16M:${POOL}`,
            '--no-start',
          ]),
        ),
      );
      const ok = runs.filter((r) => r.code === 0);
      const refused = runs.filter((r) => r.code !== 0);
      expect(ok.length, runs.map((r) => r.err).join('\n')).toBe(FITS);
      for (const r of refused) {
        expect(r.code).not.toBe(0);
        expect(r.err).toMatch(/Insufficient resources: memory|No feasible nodes found/);
        expect(r.err).not.toMatch(/-\d+ B/);
      }

      // On the host: exactly the VMs that succeeded, and no volume of the refused ones.
      const defined = domainNames().filter((n) => n.startsWith(prefix));
      expect(defined).toHaveLength(FITS);
      const vols = poolVolumes().filter((v) => v.startsWith(prefix));
      expect(vols.sort()).toEqual(defined.map((n) => `${n}-disk0.qcow2`).sort());

      // In the inventory: no reservation left, and the host not over-committed.
      const { app, client } = openApp(dataDir);
      try {
        expect(app.inventory.db.prepare('SELECT count(*) AS n FROM reservations').get()).toEqual({ n: 0 });
        const vms = (await client.call('vms.list', {})).filter((v) => v.name.startsWith(prefix));
        expect(vms.map((v) => v.state).sort()).toEqual(Array(FITS).fill('shutoff'));
        const after = await client.call('scheduler.place', {
          request: { vcpus: 1, memoryBytes: 64 * MiB, manualHost: hostId },
        });
        const row = (after.ok ? after.result.table : after.failure.table).find((r) => r.hostId === hostId)!;
        expect(row.free.memoryBytes!).toBeGreaterThanOrEqual(0);
      } finally {
        app.close();
      }
    },
  );
});
