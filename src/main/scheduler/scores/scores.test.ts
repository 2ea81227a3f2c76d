import { describe, expect, it } from 'vitest';
import type { HostSnapshot, PlacementRequest } from '../../../shared/domain/placement';
import type { PlacementOptions } from '../model';
import { candidate, GiB, host, request, reservation, TiB } from '../testing';
import {
  acceleratorScore,
  imagePresentScore,
  poolFree,
  poolMatch,
  scoreHost,
  strategy,
  type Score,
} from './index';

function score(
  s: Score,
  req: PlacementRequest,
  h: HostSnapshot,
  opts: PlacementOptions & { others?: HostSnapshot[] } = {},
): number {
  const { ctx, c } = candidate(req, h, opts);
  return s.score(ctx, c);
}

const vm = (vcpus: number, memGiB: number) => ({
  vcpus,
  memoryBytes: memGiB * GiB,
  running: true,
  groups: [],
});

describe('strategy: spread', () => {
  const req = request({ vcpus: 2, memoryBytes: 4 * GiB, strategy: 'spread' });

  it('gives an empty host the most: 5 for fewest VMs, 5 x the mean free fraction after placement', () => {
    // 16 vCPUs, 64 GiB; after 2 vCPUs / 4 GiB: 14/16 and 60/64 free.
    expect(score(strategy, req, host({ name: 'a' }))).toBeCloseTo(5 + 5 * ((14 / 16 + 60 / 64) / 2));
  });

  it('prefers the host with fewer VMs, measured against the busiest host', () => {
    const busy = host({ name: 'b', vms: [vm(1, 1), vm(1, 1), vm(1, 1), vm(1, 1)] });
    const quiet = host({ name: 'a', vms: [vm(1, 1)] });
    const sQuiet = score(strategy, req, quiet, { others: [busy] });
    const sBusy = score(strategy, req, busy, { others: [quiet] });
    expect(sQuiet).toBeGreaterThan(sBusy);
  });

  it('counts reservations as VMs and as used capacity', () => {
    const a = host({ name: 'a' });
    const held = [reservation({ hostId: a.id, vcpus: 8, memoryBytes: 32 * GiB })];
    expect(score(strategy, req, a, { reservations: held })).toBeLessThan(score(strategy, req, a));
  });
});

describe('strategy: pack', () => {
  it('prefers the fuller host, so free hosts stay free', () => {
    const req = request({ strategy: 'pack' });
    const full = host({ name: 'full', vms: [vm(12, 48)] });
    const empty = host({ name: 'empty' });
    expect(score(strategy, req, full)).toBeGreaterThan(score(strategy, req, empty));
    // After 2 vCPUs / 4 GiB on the full host: 2/16 and 12/64 free.
    expect(score(strategy, req, full)).toBeCloseTo(10 * (1 - (2 / 16 + 12 / 64) / 2));
  });
});

describe('strategy: balance', () => {
  it('judges a host by the scarcer of its free CPU and free memory', () => {
    const req = request({ strategy: 'balance', vcpus: 1, memoryBytes: GiB });
    const cpuBound = host({ name: 'c', vms: [vm(15, 0)] }); // CPU nearly gone, memory all free
    const even = host({ name: 'e', vms: [vm(8, 32)] });
    expect(score(strategy, req, even)).toBeGreaterThan(score(strategy, req, cpuBound));
    expect(score(strategy, req, cpuBound)).toBeCloseTo(0);
    expect(score(strategy, req, even)).toBeCloseTo(10 * Math.min(7 / 16, 31 / 64));
  });
});

describe('strategy on a host with unknown capacity', () => {
  it('scores no free capacity rather than inventing any', () => {
    const req = request({ strategy: 'balance' });
    expect(score(strategy, req, host({ name: 'a', cpus: null }))).toBe(0);
  });
});

describe('pool affinity', () => {
  const pools = [
    { name: 'fast', active: true, availableBytes: 500 * GiB, capacityBytes: TiB },
    { name: 'cold', active: false, availableBytes: TiB, capacityBytes: TiB },
  ];
  const h = host({ name: 'a', pools });

  it('is the seed’s (matched / required) x 10', () => {
    const req = request({
      disks: [
        { sizeBytes: GiB, thin: true, pool: 'fast' },
        { sizeBytes: GiB, thin: true, pool: 'cold' },
      ],
    });
    expect(score(poolMatch, req, h)).toBe(5); // cold is inactive: 1 of 2
  });

  it('is 0 when no disk names a pool', () => {
    expect(score(poolMatch, request(), h)).toBe(0);
  });

  it('prefers free pool space: 5 x the free fraction of the fullest pool after placement', () => {
    const req = request({ disks: [{ sizeBytes: 12 * GiB, thin: false, pool: 'fast' }] });
    expect(score(poolFree, req, h)).toBeCloseTo(5 * ((500 - 12) / 1024));
  });

  it('counts nothing for a VM that uses no pool, or a pool of unknown size', () => {
    expect(score(poolFree, request(), h)).toBe(0);
    const unknown = host({
      name: 'u',
      pools: [{ name: 'default', active: true, availableBytes: TiB, capacityBytes: null }],
    });
    expect(score(poolFree, request({ disks: [{ sizeBytes: GiB, thin: true }] }), unknown)).toBe(0);
  });
});

describe('image present', () => {
  const req = request({ bootImage: { name: 'noble.img', path: '/images/noble.img', sizeBytes: GiB } });

  it('is a bonus when the boot image is already on the host, found by name or path', () => {
    expect(
      score(imagePresentScore, req, host({ name: 'a', images: [{ name: 'x', path: '/images/noble.img' }] })),
    ).toBe(5);
    expect(
      score(imagePresentScore, req, host({ name: 'a', images: [{ name: 'noble.img', path: '/o' }] })),
    ).toBe(5);
  });

  it('is nothing when the image must be uploaded, or there is no boot image', () => {
    expect(score(imagePresentScore, req, host({ name: 'a' }))).toBe(0);
    expect(score(imagePresentScore, request(), host({ name: 'a' }))).toBe(0);
  });
});

describe('accelerator', () => {
  it('is a bonus where kvm works', () => {
    expect(score(acceleratorScore, request(), host({ name: 'a', kvmUsable: true }))).toBe(5);
    expect(score(acceleratorScore, request(), host({ name: 'a', kvmUsable: false }))).toBe(0);
    expect(score(acceleratorScore, request(), host({ name: 'a', kvmUsable: null }))).toBe(0);
  });
});

describe('the breakdown', () => {
  it('adds the weighted scores into the total and shows each', () => {
    const req = request({
      bootImage: { name: 'img', sizeBytes: GiB },
      disks: [{ sizeBytes: GiB, thin: false, pool: 'default' }],
    });
    const h = host({ name: 'a', images: [{ name: 'img', path: '/i' }] });
    const { ctx, c } = candidate(req, h, { weights: { strategy: 2, imagePresent: 0 } });
    const b = scoreHost(ctx, c);
    expect(b.strategyName).toBe('spread');
    expect(b.imagePresent).toBe(5);
    expect(b.poolAffinity).toBeCloseTo(b.poolMatch + b.poolFree);
    expect(b.poolMatch).toBe(10);
    expect(b.total).toBeCloseTo(2 * b.strategy + b.poolAffinity + 0 * b.imagePresent + b.accelerator, 5);
  });
});
