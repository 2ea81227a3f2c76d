import { describe, expect, it } from 'vitest';
import { HostSnapshot, PlacementRequest, Reservation } from '../../shared/domain/placement';
import { place } from './index';
import { GiB, host } from './testing';

const HOST_ID = '6f1c1b9e-3f7a-4d2b-9a53-6a1f0c2d8e41';

describe('the PlacementRequest schema', () => {
  it('fills the defaults, so a parsed request goes straight to place()', () => {
    const req = PlacementRequest.parse({ vcpus: 2, memoryBytes: 2 * GiB });
    expect(req).toEqual({
      vcpus: 2,
      memoryBytes: 2 * GiB,
      disks: [],
      firmware: { uefi: false, tpm: false },
      requireKvm: false,
      labels: {},
      count: 1,
      strategy: 'spread',
    });
    expect(place(req, [host({ name: 'a' })]).chosen).toEqual(['id-a']);
  });

  it('makes disks thin unless they say otherwise', () => {
    const req = PlacementRequest.parse({
      vcpus: 1,
      memoryBytes: GiB,
      disks: [{ sizeBytes: GiB, pool: 'fast' }],
    });
    expect(req.disks).toEqual([{ sizeBytes: GiB, thin: true, pool: 'fast' }]);
  });

  it('gives readable messages for the fields a form shows', () => {
    const r = PlacementRequest.safeParse({
      vcpus: 0,
      memoryBytes: 1,
      count: 0,
      strategy: 'random',
      group: { name: ' ', mode: 'affinity' },
      manualHost: 'a',
      bootImage: { sizeBytes: 1 },
    });
    expect(r.success).toBe(false);
    const byField = Object.fromEntries(r.error!.issues.map((i) => [i.path.join('.'), i.message]));
    expect(byField).toMatchObject({
      vcpus: 'At least 1 vCPU',
      memoryBytes: 'Memory must be at least 1 MiB',
      count: 'Count must be at least 1',
      strategy: 'Strategy must be one of spread, pack, balance',
      'group.name': 'Group name is required',
      manualHost: 'Must be an id',
      'bootImage.name': 'Boot image needs a name or a path',
    });
  });

  it('takes host ids for required, excluded and manual hosts', () => {
    const req = PlacementRequest.parse({
      vcpus: 1,
      memoryBytes: GiB,
      requiredHosts: [HOST_ID],
      manualHost: HOST_ID,
    });
    expect(req.requiredHosts).toEqual([HOST_ID]);
  });
});

describe('the HostSnapshot and Reservation schemas', () => {
  it('accept what the test builders make, unknowns included', () => {
    const h = host({ name: 'a', cpus: null, memoryBytes: null, uefiAvailable: null });
    expect(HostSnapshot.parse(h)).toEqual(h);
    expect(Reservation.parse({ hostId: 'x', vcpus: 1, memoryBytes: 1 })).toEqual({
      hostId: 'x',
      vcpus: 1,
      memoryBytes: 1,
      pools: {},
    });
  });

  it('refuse an overcommit ratio of zero', () => {
    expect(HostSnapshot.safeParse(host({ name: 'a', overcommit: { cpu: 0, memory: 1 } })).success).toBe(
      false,
    );
  });
});
