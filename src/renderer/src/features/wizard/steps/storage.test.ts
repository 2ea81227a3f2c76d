import { describe, expect, it } from 'vitest';
import { MiB } from '../draft';
import { cloudImage, facts, HOST_A, IMAGE_ID, noHost, row } from '../testing';
import { initStep, newDisk, validateStep } from './storage';

const none = { boot: { kind: 'none' as const, imageId: null }, count: 1 };
const cloud = { boot: { kind: 'cloud-image' as const, imageId: IMAGE_ID }, count: 1 };

describe('storage', () => {
  it('starts with one 10 GiB thin disk in the pool the scheduler picks', () => {
    expect(validateStep(initStep(), facts(), none)).toMatchObject({
      ok: true,
      value: [{ kind: 'new', sizeBytes: 10 * 1024 * MiB, thin: true }],
    });
  });

  it('needs a size that is a positive number', () => {
    const r = validateStep({ disks: [{ ...newDisk(), size: 'big' }] }, facts(), none);
    expect(r.errors['disks.0.size']).toBe('Disk size must be a positive number');
  });

  it('keeps the boot disk of a cloud image at least as large as the image', () => {
    const small = { disks: [{ ...newDisk(), size: '1', unit: 'GiB' as const }] };
    const r = validateStep(small, facts({ image: cloudImage }), cloud);
    expect(r.ok).toBe(false);
    expect(r.errors['disks.0.size']).toBe(
      "The boot disk must be at least 2 GiB: the cloud image's virtual size (noble-cloud.qcow2)",
    );
    expect(
      validateStep({ disks: [{ ...newDisk(), size: '2' }] }, facts({ image: cloudImage }), cloud).ok,
    ).toBe(true);
  });

  it('wants a new first disk for a cloud image, and a volume chosen for an existing disk', () => {
    const existing = { key: 'x', kind: 'existing' as const, imageId: '', pool: '', volume: '' };
    const r = validateStep({ disks: [existing] }, facts({ image: cloudImage }), cloud);
    expect(r.errors['disks.0.volume']).toBe('Choose a volume');
    expect(r.errors.disks).toMatch(/A cloud image needs a new boot disk/);
  });

  it('refuses an existing volume for several VMs', () => {
    const existing = {
      key: 'x',
      kind: 'existing' as const,
      imageId: 'v',
      pool: 'default',
      volume: 'data.qcow2',
    };
    const r = validateStep({ disks: [existing] }, facts(), { ...none, count: 2 });
    expect(r.errors.disks).toMatch(/An existing volume can belong to one VM only/);
  });

  it('puts a pool that is too small on the size of the disk that asked for it', () => {
    const reason = 'Insufficient resources: storage pool fast (needs 500 GiB, 20 GiB free)';
    const outcome = noHost([row(HOST_A, 'kvm-a', ['pool-capacity'], [reason])]);
    const disks = [newDisk(), { ...newDisk(), size: '500', pool: 'fast' }];
    const r = validateStep({ disks }, facts({ placement: outcome }), none);
    expect(r.errors).toEqual({ 'disks.1.size': `kvm-a: ${reason}` });
  });

  it('puts a missing pool on that disk`s pool field', () => {
    const reason = 'Node does not have required storage pool fast';
    const outcome = noHost([row(HOST_A, 'kvm-a', ['pool-affinity'], [reason])]);
    const r = validateStep({ disks: [{ ...newDisk(), pool: 'fast' }] }, facts({ placement: outcome }), none);
    expect(r.errors).toEqual({ 'disks.0.pool': `kvm-a: ${reason}` });
  });
});
