/**
 * The firmware and the Hyper-V enlightenments planCreation gives a VM: the request's firmware over the guest
 * profile's (and a refusal where the profile cannot boot with it), the placement request's firmware need, and
 * the host's Hyper-V list in the domain. The inventory and the scheduler are stubs: the real ones are
 * exercised in tests/integration/provision.
 */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/domain/errors';
import type { GuestProfileId } from '../../../shared/domain/guest-profiles';
import type { PlacementRequest, PlacementResult } from '../../../shared/domain/placement';
import { CreateVmRequest, type CreateVmRequestInput } from '../../../shared/domain/provision';
import { planCreation, type PlanDeps } from './plan';

const HOST = '11111111-1111-4111-8111-111111111111';
const MiB = 1024 ** 2;

/** One connected host (kvm unless told), one pool and network; every placement lands there. */
function stubs(facts: { domainType?: 'kvm' | 'qemu'; hypervFeatures?: readonly string[] } = {}) {
  const placed: PlacementRequest[] = [];
  const host = {
    id: HOST,
    name: 'kvm1',
    projectId: 'p1',
    cpuMode: null,
    policy: { accelerator: 'auto' },
    facts: { domainType: 'kvm', ...facts },
  };
  const result: PlacementResult = {
    chosen: [HOST],
    placements: [
      { hostId: HOST, hostName: 'kvm1', diskPools: ['default'], poolBytes: {}, uploadImage: false },
    ],
    table: [],
  } as unknown as PlacementResult;
  const deps = {
    projects: { resolve: () => ({ id: 'p1' }) },
    folders: {},
    specs: {},
    images: { get: () => undefined, list: () => [] },
    hosts: { get: () => host },
    hostInventory: {
      pools: () => [
        { name: 'default', path: '/var/lib/libvirt/images', state: 'running', availableBytes: 1 },
      ],
      networks: () => [{ name: 'default' }],
    },
    vms: { nameTakenInProject: () => false },
    placement: { snapshot: () => ({}) },
    reservations: {
      place: (r: PlacementRequest) => {
        placed.push(r);
        return result;
      },
    },
    settings: () => ({}),
  } as unknown as PlanDeps;
  return { deps, placed };
}

const request = (profile: GuestProfileId, over: Partial<CreateVmRequestInput> = {}) =>
  CreateVmRequest.parse({
    name: 'vm1',
    compute: { sockets: 1, cores: 1, memoryBytes: 512 * MiB },
    disks: [{ kind: 'new', sizeBytes: 64 * MiB }],
    nics: [{ network: 'default' }],
    profile,
    ...over,
  });

const plan = (profile: GuestProfileId, over: Partial<CreateVmRequestInput> = {}, facts = {}) => {
  const s = stubs(facts);
  const plans = planCreation(s.deps, request(profile, over), { reserve: false });
  return { item: plans.items[0]!, placed: s.placed[0]! };
};

describe('planCreation: firmware', () => {
  it('refuses bios for windows-11 on the firmware field, saying why, before placing anything', () => {
    const s = stubs();
    let error: unknown;
    try {
      planCreation(s.deps, request('windows-11', { firmware: 'bios' }), { reserve: false });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'VALIDATION',
      field: 'firmware',
      message: expect.stringMatching(/^Windows 11 needs UEFI firmware: it requires secure boot/),
    });
    expect(s.placed).toEqual([]);
  });

  it('gives windows-11 UEFI with secure boot and a TPM on auto and on uefi', () => {
    for (const firmware of ['auto', 'uefi'] as const) {
      const { item, placed } = plan('windows-11', { firmware });
      expect(placed.firmware).toEqual({ uefi: true, tpm: true });
      expect(item.domain).toMatchObject({ firmware: 'uefi', tpm: true });
      expect(item.domainXml).toContain('<feature enabled="yes" name="secure-boot"/>');
    }
  });

  it("uses the profile's firmware on auto, and the request's over it", () => {
    expect(plan('debian').item.domain.firmware).toBe('bios');
    expect(plan('debian').placed.firmware).toEqual({ uefi: false, tpm: false });
    const uefi = plan('debian', { firmware: 'uefi' });
    expect(uefi.item.domain.firmware).toBe('uefi');
    expect(uefi.placed.firmware).toEqual({ uefi: true, tpm: false });
    expect(uefi.item.domainXml).toContain('<os firmware="efi">');
    expect(uefi.item.domainXml).not.toContain('secure-boot');
    const bios = plan('windows-10', { firmware: 'bios' });
    expect(bios.item.domain.firmware).toBe('bios');
    expect(bios.placed.firmware).toEqual({ uefi: false, tpm: false });
    expect(bios.item.domainXml).not.toContain('efi');
  });
});

describe('planCreation: Hyper-V', () => {
  it("passes the host's Hyper-V list to the domain; windows under kvm gets only what it offers", () => {
    const { item } = plan('windows-10', {}, { hypervFeatures: ['spinlocks', 'vendor_id'] });
    expect(item.domain.hyperv).toEqual(['spinlocks', 'vendor_id']);
    expect(item.domainXml).toContain('<spinlocks state="on" retries="8191"/>');
    expect(item.domainXml).not.toContain('vpindex');
    expect(item.domainXml).not.toContain('hypervclock');
  });

  it('gives the whole set where the host facts do not say', () => {
    const { item } = plan('windows-10');
    expect(item.domain.hyperv).toBeUndefined();
    expect(item.domainXml).toContain('<vpindex state="on"/>');
    expect(item.domainXml).toContain('<timer name="hypervclock" present="yes"/>');
  });
});
