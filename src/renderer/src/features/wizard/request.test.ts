import { describe, expect, it } from 'vitest';
import { CreateVmRequest } from '../../../../shared/domain/provision';
import { GiB, MiB, NO_SECRETS } from './draft';
import { visibleErrors } from './fields';
import { describeBlockers, placementBlockers, stepOfPredicate } from './placement-issues';
import { checkDraft, initDraft, placementRequest } from './request';
import { cloudImage, facts, HOST_A, HOST_B, noHost, row } from './testing';

function cloudDraft(size = '4', unit: 'MiB' | 'GiB' = 'GiB') {
  const d = initDraft();
  return {
    ...d,
    basics: { ...d.basics, name: 'web', count: '2' },
    compute: { ...d.compute, sockets: '2', cores: '2', memoryGiB: '4' },
    storage: { disks: [{ ...d.storage.disks[0]!, size, unit, pool: 'default' }] },
    boot: { ...d.boot, kind: 'cloud-image' as const, imageId: cloudImage.id },
  };
}

describe('the dry run built from the draft', () => {
  it('asks for sockets × cores vCPUs, the memory, the disks, the network, the image and the count', () => {
    expect(placementRequest(cloudDraft('256', 'MiB'), facts({ image: cloudImage }))).toEqual({
      vcpus: 4,
      memoryBytes: 4 * GiB,
      // The boot disk is never smaller than the image it rests on.
      disks: [{ sizeBytes: 2048 * MiB, thin: true, pool: 'default' }],
      network: 'default',
      bootImage: { name: cloudImage.name, path: cloudImage.path, sizeBytes: 600 * MiB },
      firmware: { uefi: false, tpm: false },
      requireKvm: false,
      count: 2,
      strategy: 'spread',
    });
  });

  it('sends the picked host as manualHost, and an anti-affinity group', () => {
    const d = initDraft();
    const r = placementRequest(
      { ...d, placement: { mode: 'manual', hostId: HOST_B, strategy: 'pack', antiAffinityGroup: 'web' } },
      facts(),
    );
    expect(r).toMatchObject({
      manualHost: HOST_B,
      strategy: 'pack',
      group: { name: 'web', mode: 'anti-affinity' },
    });
  });

  it('needs KVM for host-passthrough or a KVM accelerator, and not for the automatic choices', () => {
    const d = initDraft();
    const with_ = (cpuMode: string, accelerator: 'auto' | 'kvm' | 'tcg') =>
      placementRequest({ ...d, compute: { ...d.compute, cpuMode, accelerator } }, facts()).requireKvm;
    expect(with_('auto', 'auto')).toBe(false);
    expect(with_('host-passthrough', 'auto')).toBe(true);
    expect(with_('host-model', 'auto')).toBe(true);
    expect(with_('EPYC-Rome', 'kvm')).toBe(true);
    expect(with_('EPYC-Rome', 'tcg')).toBe(false);
  });

  it('is built with defaults for what is not valid yet', () => {
    const d = initDraft();
    const r = placementRequest({ ...d, compute: { ...d.compute, sockets: 'x', memoryGiB: '' } }, facts());
    expect(r).toMatchObject({ vcpus: 1, memoryBytes: GiB });
  });
});

describe('the whole draft', () => {
  it('becomes a create request that main`s schema accepts', () => {
    const r = checkDraft(cloudDraft(), NO_SECRETS, facts({ image: cloudImage }), undefined);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(CreateVmRequest.safeParse(r.request).success).toBe(true);
    expect(r.request).toMatchObject({
      name: 'web',
      count: 2,
      compute: { sockets: 2, cores: 2, memoryBytes: 4 * GiB },
      disks: [{ kind: 'new', sizeBytes: 4 * GiB, pool: 'default', thin: true }],
      boot: { kind: 'cloud-image', imageId: cloudImage.id },
      customization: { userDataMode: 'merge' },
      start: true,
    });
  });

  it('names the first step that is not valid', () => {
    expect(checkDraft(initDraft(), NO_SECRETS, facts(), undefined)).toMatchObject({
      ok: false,
      firstInvalid: 'basics',
    });
    // A boot disk below the image's size stops Storage.
    expect(
      checkDraft(cloudDraft('256', 'MiB'), NO_SECRETS, facts({ image: cloudImage }), undefined),
    ).toMatchObject({
      ok: false,
      firstInvalid: 'storage',
    });
  });

  it('never puts the password in the draft', () => {
    expect(JSON.stringify(initDraft())).not.toMatch(/password/i);
  });
});

describe('placement failures', () => {
  it('belong to the step that can fix them', () => {
    expect(stepOfPredicate('cpu-memory')).toBe('compute');
    expect(stepOfPredicate('pool-capacity')).toBe('storage');
    expect(stepOfPredicate('network')).toBe('network');
    expect(stepOfPredicate('host-state')).toBe('placement');
    expect(stepOfPredicate('something-new')).toBe('placement');
  });

  it('are described host by host', () => {
    const outcome = noHost([
      row(HOST_A, 'kvm-a', ['host-state'], ['Node is disconnected']),
      row(
        HOST_B,
        'sim-b',
        ['cpu-memory'],
        ['Insufficient resources: memory (needs 4 GiB, 1 GiB of 2 GiB free)'],
      ),
    ]);
    expect(describeBlockers(placementBlockers(outcome, 'placement'), () => true)).toBe(
      'kvm-a: Node is disconnected',
    );
    expect(placementBlockers(outcome, 'network')).toEqual([]);
  });
});

describe('which errors show', () => {
  const errors = { name: 'Name is required', 'disks.0.size': 'bad', disks: 'whole step' };
  it('those of touched fields, rows, and the step-wide ones', () => {
    expect(visibleErrors('storage', errors, {})).toEqual({ disks: 'whole step' });
    expect(visibleErrors('storage', errors, { 'storage.disks.0': true })).toEqual({
      'disks.0.size': 'bad',
      disks: 'whole step',
    });
    expect(visibleErrors('basics', errors, { 'basics.*': true })).toEqual(errors);
  });
});
