import { describe, expect, it } from 'vitest';
import { VmCloneInput } from '../../../shared/domain/clone';
import type { VmSummary } from '../../../shared/domain/vm';
import { clonePlacementRequest } from './place';
import type { SourceDisk } from './plan';

const GiB = 1024 ** 3;

const src = { vcpus: 2, memoryBytes: 2 * GiB, projectId: 'p' } as VmSummary;

const xml = (type: string, extra = '') => `<domain type='${type}'>
  <name>web-1</name><uuid>u</uuid>
  <os><type arch='x86_64'>hvm</type>${extra}</os>
  <devices>
    <interface type='bridge'><source bridge='br0'/></interface>
    <interface type='network'><mac address='52:54:00:00:00:01'/><source network='lan'/></interface>
  </devices>
</domain>`;

const disks: SourceDisk[] = [
  {
    target: 'vda',
    source: '/p/a.qcow2',
    format: 'qcow2',
    pool: 'p',
    virtualBytes: 10 * GiB,
    requiredBytes: GiB,
  },
  { target: 'vdb', source: '/p/b.raw', format: 'raw', pool: 'p', virtualBytes: GiB, requiredBytes: GiB / 2 },
];

describe("a clone's placement request", () => {
  it("asks for the source's size, each disk's need, its first libvirt network, for every clone", () => {
    const input = VmCloneInput.parse({
      vmId: '00000000-0000-4000-8000-000000000001',
      name: 'web-{{.Index}}',
      count: 3,
      placement: { hostId: '00000000-0000-4000-8000-000000000002', pool: 'fast', strategy: 'pack' },
    });
    expect(clonePlacementRequest(src, xml('qemu'), disks, input)).toEqual({
      vcpus: 2,
      memoryBytes: 2 * GiB,
      disks: [
        { sizeBytes: GiB, thin: false, pool: 'fast' },
        { sizeBytes: GiB / 2, thin: false, pool: 'fast' },
      ],
      network: 'lan',
      firmware: { uefi: false, tpm: false },
      requireKvm: false,
      labels: {},
      count: 3,
      strategy: 'pack',
      manualHost: '00000000-0000-4000-8000-000000000002',
    });
  });

  it('books thin disks for linked clones, and needs KVM, UEFI and a TPM when the source does', () => {
    const input = VmCloneInput.parse({
      vmId: '00000000-0000-4000-8000-000000000001',
      name: 'c',
      mode: 'linked',
      placement: {},
    });
    const uefi = xml(
      'kvm',
      "<loader readonly='yes' type='pflash'>/code.fd</loader><nvram>/v/web-1_VARS.fd</nvram>",
    ).replace('</devices>', "<tpm model='tpm-crb'><backend type='emulator' version='2.0'/></tpm></devices>");
    const r = clonePlacementRequest(src, uefi, disks, input);
    expect(r.disks.every((d) => d.thin && d.pool === undefined)).toBe(true);
    expect(r).toMatchObject({ requireKvm: true, firmware: { uefi: true, tpm: true }, strategy: 'spread' });
    expect(r.manualHost).toBeUndefined();
  });
});
