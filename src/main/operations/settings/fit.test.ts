import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiB } from '../../../shared/domain/provision';
import { explain } from '../../scheduler';
import { GiB, host } from '../../scheduler/testing';
import { DISK0, plan, POOL, settingsFixture } from '../../virt/settings/testing';
import { fitRefusal, growthOf, growthRequest, grows, hostRow } from './fit';
import { newMacs } from './read';
import { changes } from '../../virt/settings/testing';

const DIR = join(__dirname, '../../virt/golden/settings');
const INACTIVE = readFileSync(join(DIR, 'running-inactive.xml'), 'utf8');
const LIVE = readFileSync(join(DIR, 'running-live.xml'), 'utf8');
const { ctx, running } = settingsFixture(INACTIVE, LIVE);

describe('the growth of a settings change', () => {
  it('counts the maximum vCPUs and memory, new disks and what grown disks add, in their pools', () => {
    const list = changes([
      { kind: 'vcpus', current: 2, maximum: 4 },
      { kind: 'memory', currentBytes: 192 * MiB, maximumBytes: 512 * MiB },
      { kind: 'disk-add-new', pool: POOL, sizeBytes: 64 * MiB },
      { kind: 'disk-grow', target: 'vda', sizeBytes: 48 * MiB },
    ]);
    for (const c of [ctx(), running()]) {
      const g = growthOf(c, plan(c, list), list);
      expect(g).toEqual({
        vcpus: 2,
        memoryBytes: 256 * MiB,
        disks: [
          { pool: POOL, name: 'qhci-t-set-golden-disk2.qcow2', bytes: 64 * MiB },
          { pool: POOL, name: 'qhci-t-set-golden-disk0.qcow2', bytes: 32 * MiB },
        ],
      });
      expect(grows(g)).toBe(true);
    }
    expect(ctx().volumes.find((v) => v.path === DISK0)?.capacityBytes).toBe(16 * MiB);
  });

  it('shrinking, detaching and relabelling grow nothing', () => {
    const list = changes([
      { kind: 'vcpus', current: 1, maximum: 1 },
      { kind: 'memory', currentBytes: 64 * MiB, maximumBytes: 128 * MiB },
      { kind: 'labels', labels: { a: 'b' } },
    ]);
    const g = growthOf(ctx(), plan(ctx(), list), list);
    expect(g).toEqual({ vcpus: 0, memoryBytes: 0, disks: [] });
    expect(grows(g)).toBe(false);
  });

  it('is judged by the scheduler on the VM host only, with placement reasons', () => {
    const g = { vcpus: 0, memoryBytes: 8 * GiB, disks: [{ pool: 'default', name: 'x', bytes: GiB }] };
    const full = host({ name: 'a', memoryBytes: 4 * GiB });
    const other = host({ name: 'b' });
    const outcome = explain(growthRequest(g, full.id), [full, other]);
    const row = hostRow(outcome, full.id);
    expect(row).toMatchObject({ hostName: 'a', feasible: false, failed: ['cpu-memory'] });
    expect(fitRefusal(row, 'a')).toBe(
      'The change does not fit on host a: Insufficient resources: memory (needs 8 GiB, 4 GiB of 4 GiB free)',
    );
    // vCPUs that do not grow are asked for as 0: never refused for them.
    expect(row!.reasons.join()).not.toMatch(/vCPU/);
    const ok = hostRow(explain(growthRequest({ ...g, memoryBytes: GiB }, other.id), [full, other]), other.id);
    expect(ok).toMatchObject({ feasible: true });
    expect(fitRefusal(ok, 'b')).toBeNull();
    expect(fitRefusal(null, 'gone')).toMatch(/not in the inventory/);
  });
});

describe('the MACs of new NICs', () => {
  it('are the same for the same VM and definition, and differ otherwise', () => {
    const a = newMacs('u1', '<domain/>', 2);
    expect(a).toEqual(newMacs('u1', '<domain/>', 2));
    expect(new Set(a).size).toBe(2);
    expect(a[0]).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(newMacs('u2', '<domain/>', 1)[0]).not.toBe(a[0]);
    expect(newMacs('u1', '<domain> </domain>', 1)[0]).not.toBe(a[0]);
  });
});
