import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/helpers/app';
import {
  classifyVolume,
  nodeFacts,
  parseDomainCapabilities,
  parseDomainMetadata,
  parseDomainXml,
  parseNetworkXml,
  parsePoolXml,
  parseVolumeXml,
} from './parse';
import { bytes } from './xml';

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'tests/fixtures/virsh', name), 'utf8');

describe('libvirt XML parsing', () => {
  it('reads a domain: identity, size, disks with their backing chain, NICs and graphics', () => {
    const d = parseDomainXml(fixture('chain-domain.xml'));
    expect(d).toMatchObject({
      uuid: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70',
      name: 'web & api "01"',
      type: 'qemu',
      vcpus: 4,
      memoryBytes: 2048 * 1024 ** 2,
    });
    expect(d.disks).toEqual([
      {
        device: 'disk',
        target: 'vda',
        bus: 'virtio',
        source: '/var/lib/libvirt/images/web.qcow2',
        format: 'qcow2',
        backingChain: [
          '/var/lib/libvirt/images/debian-12.qcow2',
          '/var/lib/libvirt/images/debian-12-base.raw',
        ],
      },
      {
        device: 'cdrom',
        target: 'sda',
        bus: 'sata',
        source: '/var/lib/libvirt/images/web-seed.iso',
        format: 'raw',
        backingChain: [],
      },
      {
        device: 'disk',
        target: 'vdb',
        bus: 'virtio',
        source: 'data/web-data.raw',
        format: 'raw',
        backingChain: [],
      },
    ]);
    expect(d.nics).toEqual([
      { type: 'network', source: 'default', mac: '52:54:00:12:34:56', model: 'virtio' },
      { type: 'bridge', source: 'br0', mac: '52:54:00:ab:cd:ef', model: 'e1000e' },
    ]);
    expect(d.graphics).toEqual([
      { type: 'vnc', port: 5900, listen: '127.0.0.1', exposed: false },
      { type: 'spice', port: null, listen: null, exposed: false },
    ]);
  });

  it('reads the test driver domain virsh prints', () => {
    const d = parseDomainXml(fixture('test-domain.xml'));
    expect(d).toMatchObject({ name: 'test', vcpus: 2, memoryBytes: 8388608 * 1024 });
    expect(d.disks[0]).toMatchObject({ source: '/guest/diskimage1', target: 'vda' });
  });

  it('reads pools, volumes with backing files, and networks', () => {
    const pool = parsePoolXml(fixture('qemu-pool.xml'), 'running');
    expect(pool).toMatchObject({
      name: 'qhci-testbed',
      type: 'dir',
      path: '/var/lib/libvirt/images/qhci-testbed',
      state: 'running',
    });
    expect(pool.capacityBytes).toBeGreaterThan(0);
    const vol = parseVolumeXml(fixture('qemu-vol-overlay.xml'), 'qhci-testbed');
    expect(vol).toEqual({
      pool: 'qhci-testbed',
      name: 'overlay.qcow2',
      path: '/var/lib/libvirt/images/qhci-testbed/overlay.qcow2',
      format: 'qcow2',
      capacityBytes: 5 * 1024 ** 3,
      allocationBytes: 200704,
      backingPath: '/var/lib/libvirt/images/qhci-testbed/base.qcow2',
    });
    expect(parseNetworkXml(fixture('qemu-net.xml'), true)).toMatchObject({
      name: 'default',
      forward: 'nat',
      bridge: 'virbr0',
      active: true,
    });
    expect(parseNetworkXml(fixture('test-net.xml'), false)).toMatchObject({ name: 'default', active: false });
  });

  it('classifies volumes as ISO, VM disk or cloud image', () => {
    const base = { pool: 'p', capacityBytes: 1, allocationBytes: 1, backingPath: null };
    const ctx = { attachedPaths: new Set(['/p/vm.qcow2']), backingPaths: new Set(['/p/debian.qcow2']) };
    expect(classifyVolume({ ...base, name: 'x.iso', path: '/p/x.iso', format: 'raw' }, ctx)).toBe('iso');
    expect(
      classifyVolume({ ...base, name: 'debian.qcow2', path: '/p/debian.qcow2', format: 'qcow2' }, ctx),
    ).toBe('cloud-image');
    expect(classifyVolume({ ...base, name: 'vm.qcow2', path: '/p/vm.qcow2', format: 'qcow2' }, ctx)).toBe(
      'disk',
    );
    expect(
      classifyVolume(
        { ...base, name: 'o.qcow2', path: '/p/o.qcow2', format: 'qcow2', backingPath: '/p/debian.qcow2' },
        ctx,
      ),
    ).toBe('disk');
    expect(
      classifyVolume({ ...base, name: 'ubuntu-cloudimg.img', path: '/p/u.img', format: 'qcow2' }, ctx),
    ).toBe('cloud-image');
  });

  it('lists the CPU models the host can run as they are, and none without a custom mode', () => {
    const xml = fixture('qemu-domcaps.xml');
    const models = parseDomainCapabilities(xml, false).cpuModels;
    expect(models).toContain('qemu64');
    expect(models).toContain('pentium3');
    expect(models).not.toContain('phenom'); // usable='no'
    expect(models).toHaveLength((xml.match(/usable='yes'/g) ?? []).length);
    const none = xml.replace("<mode name='custom' supported='yes'>", "<mode name='custom' supported='no'>");
    expect(parseDomainCapabilities(none, false).cpuModels).toEqual([]);
  });

  it('uses kvm only where the accelerator works; reads UEFI and TPM support', () => {
    const caps = parseDomainCapabilities(fixture('qemu-domcaps.xml'), false);
    expect(caps.domainType).toBe('qemu');
    expect(caps.uefiAvailable).toBe(false);
    const kvmXml = fixture('qemu-domcaps.xml').replace('<domain>qemu</domain>', '<domain>kvm</domain>');
    expect(parseDomainCapabilities(kvmXml, true).domainType).toBe('kvm');
    expect(parseDomainCapabilities(kvmXml, false).domainType).toBe('qemu');
    const efi = fixture('qemu-domcaps.xml').replace(
      /<loader supported='yes'>/,
      "<loader supported='yes'><value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>",
    );
    expect(parseDomainCapabilities(efi, false).uefiAvailable).toBe(true);
  });

  it('offers a TPM only with the emulator backend (swtpm), not with passthrough alone', () => {
    const xml = fixture('qemu-domcaps.xml');
    const TPM = /<tpm supported='yes'>[\s\S]*?<\/tpm>/;
    const tpm = (backendList: string) =>
      xml.replace(
        TPM,
        `<tpm supported='yes'><enum name='model'><value>tpm-crb</value></enum>${backendList}</tpm>`,
      );
    const backends = (...models: string[]) =>
      tpm(`<enum name='backendModel'>${models.map((m) => `<value>${m}</value>`).join('')}</enum>`);
    expect(xml).toMatch(TPM);
    expect(parseDomainCapabilities(xml, false).tpmAvailable).toBe(false); // the fixture: passthrough only
    expect(parseDomainCapabilities(backends('passthrough'), false).tpmAvailable).toBe(false);
    expect(parseDomainCapabilities(backends('emulator'), false).tpmAvailable).toBe(true);
    expect(parseDomainCapabilities(backends('passthrough', 'emulator'), false).tpmAvailable).toBe(true);
    expect(parseDomainCapabilities(backends(), false).tpmAvailable).toBe(false);
    // No backend list at all: unknown support is no support.
    expect(parseDomainCapabilities(tpm(''), false).tpmAvailable).toBe(false);
    // supported='no' wins over any backend.
    const off = backends('emulator').replace("<tpm supported='yes'>", "<tpm supported='no'>");
    expect(parseDomainCapabilities(off, false).tpmAvailable).toBe(false);
  });

  it('reads the Hyper-V enlightenments the hypervisor offers; null where the document does not say', () => {
    // The fixture is this project's testbed (a nested KVM): spinlocks and vendor_id only.
    const xml = fixture('qemu-domcaps.xml');
    expect(parseDomainCapabilities(xml, true).hypervFeatures).toEqual(['spinlocks', 'vendor_id']);
    const HYPERV = /<hyperv supported='yes'>[\s\S]*?<\/hyperv>/;
    expect(xml).toMatch(HYPERV);
    const withList = (...names: string[]) =>
      xml.replace(
        HYPERV,
        `<hyperv supported='yes'><enum name='features'>${names.map((n) => `<value>${n}</value>`).join('')}</enum></hyperv>`,
      );
    // One value (not an array in the parsed document), and a bare-metal host's whole list.
    expect(parseDomainCapabilities(withList('relaxed'), true).hypervFeatures).toEqual(['relaxed']);
    const bareMetal = ['relaxed', 'vapic', 'spinlocks', 'vpindex', 'runtime', 'synic', 'stimer', 'reset'];
    expect(parseDomainCapabilities(withList(...bareMetal), true).hypervFeatures).toEqual(bareMetal);
    // Offered, with an empty list or none; not supported; and names that are not libvirt's are dropped.
    expect(parseDomainCapabilities(withList(), true).hypervFeatures).toEqual([]);
    expect(
      parseDomainCapabilities(xml.replace(HYPERV, "<hyperv supported='yes'/>"), true).hypervFeatures,
    ).toEqual([]);
    expect(
      parseDomainCapabilities(xml.replace(HYPERV, "<hyperv supported='no'/>"), true).hypervFeatures,
    ).toEqual([]);
    expect(parseDomainCapabilities(withList('relaxed', 'x y', '<b>'), true).hypervFeatures).toEqual([
      'relaxed',
    ]);
    // libvirt before 9.0 has no hyperv element: unknown, not none.
    expect(parseDomainCapabilities(xml.replace(HYPERV, ''), true).hypervFeatures).toBeNull();
  });

  it('scales libvirt units to bytes', () => {
    expect(bytes({ '#text': '2', '@unit': 'GiB' })).toBe(2 * 1024 ** 3);
    expect(bytes({ '#text': '2', '@unit': 'GB' })).toBe(2e9);
    expect(bytes('1024', 'KiB')).toBe(1024 * 1024);
    expect(bytes({ '#text': 'x', '@unit': 'KiB' })).toBe(0);
  });
});

describe('node facts', () => {
  it('reads CPU and memory from nodeinfo, the CPU model from capabilities, the version and accelerator', () => {
    const nodeinfo =
      'CPU model:           x86_64\nCPU(s):              2\nCPU frequency:       2096 MHz\nCPU socket(s):       1\nCore(s) per socket:  2\nThread(s) per core:  1\nNUMA cell(s):        1\nMemory size:         5728032 KiB\n';
    const facts = nodeFacts({
      nodeinfo,
      capabilitiesXml: fixture('qemu-caps.xml'),
      domcapsXml: fixture('qemu-domcaps.xml'),
      kvmUsable: false,
      hostname: 'kvm-a',
      libvirtVersion: 'Compiled against library: libvirt 9.0.0\nRunning against daemon: 9.0.0\n',
    });
    expect(facts).toMatchObject({
      cpus: 2,
      cores: 2,
      sockets: 1,
      threads: 1,
      mhz: 2096,
      memoryBytes: 5728032 * 1024,
      hostname: 'kvm-a',
      domainType: 'qemu',
      libvirtVersion: '9.0.0',
      hypervFeatures: ['spinlocks', 'vendor_id'],
    });
    expect(facts.cpuModel).toContain('kvm64');
    // A domcapabilities without the hyperv element: the facts do not say (Windows gets the whole set).
    const older = nodeFacts({
      nodeinfo,
      capabilitiesXml: '',
      domcapsXml: fixture('qemu-domcaps.xml').replace(/<hyperv [\s\S]*?<\/hyperv>/, ''),
      kvmUsable: false,
      hostname: '',
      libvirtVersion: '',
    });
    expect('hypervFeatures' in older).toBe(false);
    expect(
      nodeFacts({
        nodeinfo,
        capabilitiesXml: '',
        domcapsXml: '',
        kvmUsable: false,
        hostname: '',
        libvirtVersion: '',
      }),
    ).toMatchObject({ cpuModel: 'x86_64', uefiAvailable: false });
  });
});

describe('parseDomainMetadata', () => {
  const domain = (metadata: string) =>
    `<domain type='qemu'><name>x</name><metadata>${metadata}</metadata></domain>`;

  it('finds our ids by namespace, whatever prefix libvirt or another tool wrote', () => {
    const xml = domain(
      `<other:app xmlns:other="https://example.com/x"><other:id>nope</other:id></other:app>` +
        `<q:vm xmlns:q="https://qhci.dev/xmlns/vm/1"><q:id>vm-1</q:id><q:project>p-1</q:project></q:vm>`,
    );
    expect(parseDomainMetadata(xml)).toEqual({ vmId: 'vm-1', projectId: 'p-1' });
  });

  it('reads an unprefixed element in our default namespace', () => {
    const xml = domain(`<vm xmlns="https://qhci.dev/xmlns/vm/1"><id>vm-2</id><project>p-2</project></vm>`);
    expect(parseDomainMetadata(xml)).toEqual({ vmId: 'vm-2', projectId: 'p-2' });
  });

  it('is null for domains that are not ours, have no ids, or are not domains', () => {
    expect(parseDomainMetadata(`<domain type='qemu'><name>x</name></domain>`)).toBeNull();
    expect(
      parseDomainMetadata(domain(`<q:vm xmlns:q="https://example.com/vm"><q:id>a</q:id></q:vm>`)),
    ).toBeNull();
    expect(
      parseDomainMetadata(domain(`<q:vm xmlns:q="https://qhci.dev/xmlns/vm/1"><q:id>a</q:id></q:vm>`)),
    ).toBeNull();
    expect(parseDomainMetadata(`<network><name>default</name></network>`)).toBeNull();
    expect(parseDomainMetadata('not xml at all <')).toBeNull();
  });
});
