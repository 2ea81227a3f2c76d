import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { CONTROL_CHARS } from '../../shared/domain/names';
import { MiB } from '../../shared/domain/provision';
import { VmSettingsChange, type VmSettingsRequest } from '../../shared/domain/vm-settings';
import { liveActionArgs, planSettings, type SettingsContext, type SettingsPlan } from './settings-xml';
import { node, nodes, parseXml, text } from './xml';

const DIR = join(__dirname, 'golden', 'settings');
const UPDATE = process.env.QHCI_UPDATE_GOLDEN === '1';
// `virsh dumpxml --inactive` and `virsh dumpxml` of a running domain on the testbed (qemu:///system).
const INACTIVE = readFileSync(join(DIR, 'running-inactive.xml'), 'utf8');
const LIVE = readFileSync(join(DIR, 'running-live.xml'), 'utf8');
const POOL = 'qhci-testbed';
const PDIR = '/var/lib/libvirt/images/qhci-testbed';
const DISK0 = `${PDIR}/qhci-t-set-golden-disk0.qcow2`;
const MAC = '52:54:00:f5:eb:38';

function ctx(over: Partial<SettingsContext> = {}): SettingsContext {
  return {
    inactiveXml: INACTIVE,
    liveXml: null,
    pools: [
      { name: POOL, path: PDIR },
      { name: 'lvm', path: null },
    ],
    volumes: [
      {
        pool: POOL,
        name: 'qhci-t-set-golden-disk0.qcow2',
        path: DISK0,
        format: 'qcow2',
        capacityBytes: 16 * MiB,
      },
      {
        pool: POOL,
        name: 'qhci-t-set-golden-disk1.qcow2',
        path: `${PDIR}/x1`,
        format: 'qcow2',
        capacityBytes: MiB,
      },
      { pool: POOL, name: 'data.raw', path: `${PDIR}/data.raw`, format: 'raw', capacityBytes: 16 * MiB },
      { pool: POOL, name: 'other.iso', path: `${PDIR}/other.iso`, format: 'iso', capacityBytes: MiB },
    ],
    networks: ['default', 'isolated'],
    macs: ['52:54:00:aa:00:01', '52:54:00:aa:00:02'],
    ...over,
  };
}
const running = (over: Partial<SettingsContext> = {}) => ctx({ liveXml: LIVE, ...over });

const changes = (list: VmSettingsRequest['changes']) => list.map((c) => VmSettingsChange.parse(c));
const plan = (c: SettingsContext, list: VmSettingsRequest['changes']) => planSettings(c, changes(list));

const ALL: VmSettingsRequest['changes'] = [
  { kind: 'vcpus', current: 2, maximum: 4 },
  { kind: 'memory', currentBytes: 192 * MiB },
  { kind: 'disk-add-new', pool: POOL, sizeBytes: 64 * MiB },
  { kind: 'disk-add-existing', pool: POOL, volume: 'data.raw', bus: 'sata' },
  { kind: 'disk-grow', target: 'vda', sizeBytes: 32 * MiB },
  { kind: 'nic-add', network: 'isolated', model: 'e1000e' },
  { kind: 'nic-update', mac: MAC, network: 'isolated' },
  { kind: 'cdrom-insert', pool: POOL, volume: 'other.iso' },
  { kind: 'boot-order', order: ['hd', 'cdrom', 'network'] },
  { kind: 'description', text: 'web & <db>' },
  { kind: 'autostart', enabled: true },
  { kind: 'labels', labels: { env: 'prod' } },
];

function golden(file: string, plan: SettingsPlan): void {
  const xml = join(DIR, `${file}.xml`);
  const json = join(DIR, `${file}.plan.json`);
  const rest = `${JSON.stringify({ ...plan, inactiveXml: undefined }, null, 2)}\n`;
  if (UPDATE) {
    writeFileSync(xml, plan.inactiveXml);
    writeFileSync(json, rest);
  }
  expect(plan.inactiveXml).toBe(readFileSync(xml, 'utf8'));
  expect(rest).toBe(readFileSync(json, 'utf8'));
}

const dom = (xml: string) => node(parseXml(xml), 'domain');
const disks = (xml: string) => nodes(node(dom(xml), 'devices'), 'disk');
const nics = (xml: string) => nodes(node(dom(xml), 'devices'), 'interface');
const targets = (xml: string) => disks(xml).map((d) => text(node(d, 'target'), '@dev'));

describe('a settings change on the golden domain', () => {
  it('matches its golden files on a running VM', () => {
    const p = plan(running(), ALL);
    expect(p.refusals).toEqual([]);
    golden('running-all', p);
  });

  it('matches its golden files on a VM that is shut off: everything at next boot, no live action', () => {
    const p = plan(ctx(), ALL);
    expect(p.refusals).toEqual([]);
    expect(p.changes.flatMap((c) => c.live)).toEqual([]);
    expect(new Set(p.changes.map((c) => c.effect))).toEqual(new Set(['next-boot', 'now']));
    golden('shutoff-all', p);
  });

  it('keeps every line it does not change', () => {
    const p = plan(running(), ALL);
    const kept = INACTIVE.split('\n').filter(
      (l) =>
        !/<(vcpu|currentMemory|boot|topology|source file='[^']*install)\b/.test(l) &&
        !l.includes("network='default'"),
    );
    const out = p.inactiveXml.split('\n');
    for (const line of kept) expect(out).toContain(line);
  });
});

describe('vCPUs and memory', () => {
  it('set the running VM live within its maximum and keep the topology a product of the maximum', () => {
    const p = plan(running(), [{ kind: 'vcpus', current: 2, maximum: 6 }]);
    expect(p.changes[0]).toMatchObject({ effect: 'both', live: [{ kind: 'setvcpus', count: 2 }] });
    expect(p.changes[0]!.note).toMatch(/maximum of 6 vCPUs takes effect at next boot/);
    const d = dom(p.inactiveXml);
    expect(text(d, 'vcpu')).toBe('6');
    expect(text(node(d, 'vcpu'), '@current')).toBe('2');
    const t = node(node(d, 'cpu'), 'topology');
    expect(['sockets', 'dies', 'cores', 'threads'].map((a) => Number(text(t, `@${a}`)))).toEqual([
      2, 1, 3, 1,
    ]);
    const odd = dom(plan(running(), [{ kind: 'vcpus', current: 1, maximum: 5 }]).inactiveXml);
    const t5 = node(node(odd, 'cpu'), 'topology');
    expect(['sockets', 'dies', 'cores', 'threads'].map((a) => Number(text(t5, `@${a}`)))).toEqual([
      1, 1, 5, 1,
    ]);
    expect(text(node(odd, 'vcpu'), '@current')).toBe('1');
  });

  it('drops the current attribute when all vCPUs are on', () => {
    const p = plan(ctx(), [{ kind: 'vcpus', current: 2 }]);
    expect(p.inactiveXml).toContain("<vcpu placement='static'>2</vcpu>");
  });

  it('refuses vCPUs above the maximum, and waits for the next boot above the running maximum', () => {
    expect(plan(ctx(), [{ kind: 'vcpus', current: 3 }]).refusals).toEqual([
      { index: 0, message: '3 vCPUs is above the maximum of 2: raise the maximum too' },
    ]);
    const p = plan(running(), [{ kind: 'vcpus', current: 3, maximum: 4 }]);
    expect(p.changes[0]).toMatchObject({ effect: 'next-boot', live: [] });
    expect(p.changes[0]!.note).toBe('The running VM can have at most 2 vCPUs; 3 from its next boot');
  });

  it('refuses memory above the maximum, and waits for the next boot above the running maximum', () => {
    expect(plan(running(), [{ kind: 'memory', currentBytes: 512 * MiB }]).refusals).toEqual([
      { index: 0, message: '512 MiB is above the maximum memory of 256 MiB: raise the maximum too' },
    ]);
    const p = plan(running(), [{ kind: 'memory', currentBytes: 512 * MiB, maximumBytes: 1024 * MiB }]);
    expect(p.changes[0]).toMatchObject({ effect: 'next-boot', live: [] });
    const d = dom(p.inactiveXml);
    expect(text(d, 'memory')).toBe(String(1024 * 1024));
    expect(text(d, 'currentMemory')).toBe(String(512 * 1024));
  });

  it('balloons a running VM down live, but not one without a balloon', () => {
    const p = plan(running(), [{ kind: 'memory', currentBytes: 128 * MiB }]);
    expect(p.changes[0]).toMatchObject({ effect: 'both', live: [{ kind: 'setmem', kib: 128 * 1024 }] });
    const noBalloon = LIVE.replace(
      /<memballoon model='virtio'>[\s\S]*?<\/memballoon>/,
      "<memballoon model='none'/>",
    );
    const q = plan(running({ liveXml: noBalloon }), [{ kind: 'memory', currentBytes: 128 * MiB }]);
    expect(q.changes[0]).toMatchObject({ effect: 'next-boot', live: [] });
  });
});

describe('disks', () => {
  it('adds a new volume at the next free target, named after the VM, in a directory pool only', () => {
    const p = plan(running(), [{ kind: 'disk-add-new', pool: POOL, sizeBytes: 64 * MiB }]);
    expect(p.createVolumes).toEqual([
      {
        pool: POOL,
        name: 'qhci-t-set-golden-disk2.qcow2',
        path: `${PDIR}/qhci-t-set-golden-disk2.qcow2`,
        sizeBytes: 64 * MiB,
        format: 'qcow2',
      },
    ]);
    expect(targets(p.inactiveXml)).toEqual(['vda', 'sda', 'vdb']);
    expect(p.changes[0]!.live[0]).toMatchObject({ kind: 'attach-device' });
    expect(plan(ctx(), [{ kind: 'disk-add-new', pool: 'lvm', sizeBytes: MiB }]).refusals[0]!.message).toMatch(
      /not a directory pool/,
    );
    expect(plan(ctx(), [{ kind: 'disk-add-new', pool: 'nope', sizeBytes: MiB }]).refusals[0]!.message).toBe(
      "Pool nope is not on the VM's host",
    );
  });

  it('refuses a target already used, a target of the other bus and a volume already attached', () => {
    const used = plan(ctx(), [{ kind: 'disk-add-existing', pool: POOL, volume: 'data.raw', target: 'sda' }]);
    expect(used.refusals).toEqual([{ index: 0, message: 'Target sda is already used by another disk' }]);
    const bus = plan(ctx(), [
      { kind: 'disk-add-existing', pool: POOL, volume: 'data.raw', target: 'vdc', bus: 'sata' },
    ]);
    expect(bus.refusals[0]!.message).toBe('Target vdc is not a sata disk name (sd…)');
    const twice = plan(ctx(), [
      { kind: 'disk-add-existing', pool: POOL, volume: 'qhci-t-set-golden-disk0.qcow2' },
    ]);
    expect(twice.refusals[0]!.message).toBe("qhci-t-set-golden-disk0.qcow2 is already the VM's disk vda");
    const iso = plan(ctx(), [{ kind: 'disk-add-existing', pool: POOL, volume: 'other.iso' }]);
    expect(iso.refusals[0]!.message).toBe('other.iso is an ISO: insert it into a CD-ROM');
    const taken = plan(ctx(), [{ kind: 'disk-add-new', pool: POOL, sizeBytes: MiB, name: 'data.raw' }]);
    expect(taken.refusals[0]!.message).toMatch(/already exists in pool/);
  });

  it('gives two new disks two targets and two volumes', () => {
    const p = plan(ctx(), [
      { kind: 'disk-add-new', pool: POOL, sizeBytes: MiB },
      { kind: 'disk-add-new', pool: POOL, sizeBytes: MiB },
    ]);
    expect(targets(p.inactiveXml)).toEqual(['vda', 'sda', 'vdb', 'vdc']);
    expect(p.createVolumes.map((v) => v.name)).toEqual([
      'qhci-t-set-golden-disk2.qcow2',
      'qhci-t-set-golden-disk3.qcow2',
    ]);
  });

  it('grows live with blockresize, cold through the volume, and never shrinks', () => {
    const live = plan(running(), [{ kind: 'disk-grow', target: 'vda', sizeBytes: 32 * MiB }]);
    expect(live.changes[0]!.live).toEqual([{ kind: 'blockresize', target: 'vda', bytes: 32 * MiB }]);
    expect(live.inactiveXml).toBe(INACTIVE);
    const cold = plan(ctx(), [{ kind: 'disk-grow', target: 'vda', sizeBytes: 32 * MiB }]);
    expect(cold.resizeVolumes).toEqual([
      { pool: POOL, name: 'qhci-t-set-golden-disk0.qcow2', path: DISK0, sizeBytes: 32 * MiB },
    ]);
    expect(
      plan(ctx(), [{ kind: 'disk-grow', target: 'vda', sizeBytes: 16 * MiB }]).refusals[0]!.message,
    ).toBe('Disk vda is already 16 MiB: disks only grow');
    expect(
      plan(ctx(), [{ kind: 'disk-grow', target: 'sda', sizeBytes: 16 * MiB }]).refusals[0]!.message,
    ).toBe('sda is a cdrom, not a disk');
  });

  it('refuses to detach the boot disk, and detaches another with its volume when asked', () => {
    expect(plan(running(), [{ kind: 'disk-detach', target: 'vda' }]).refusals).toEqual([
      { index: 0, message: 'vda is the disk the VM boots from' },
    ]);
    const added = plan(ctx(), [{ kind: 'disk-add-existing', pool: POOL, volume: 'data.raw' }]).inactiveXml;
    const p = plan(ctx({ inactiveXml: added }), [{ kind: 'disk-detach', target: 'vdb', deleteVolume: true }]);
    expect(p.inactiveXml).toBe(INACTIVE);
    expect(p.deleteVolumes).toEqual([{ pool: POOL, name: 'data.raw', path: `${PDIR}/data.raw` }]);
    expect(plan(ctx(), [{ kind: 'disk-detach', target: 'sda' }]).refusals[0]!.message).toBe(
      'sda is a CD-ROM: eject it instead',
    );
  });

  it('detaches a running disk with the live element, address and all', () => {
    const liveDisk = `<disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='${PDIR}/data.raw' index='3'/>
      <target dev='vdb' bus='virtio'/>
      <alias name='virtio-disk1'/>
      <address type='pci' domain='0x0000' bus='0x07' slot='0x00' function='0x0'/>
    </disk>`;
    const liveXml = LIVE.replace('<controller', `${liveDisk}\n    <controller`);
    const added = plan(ctx(), [{ kind: 'disk-add-existing', pool: POOL, volume: 'data.raw' }]).inactiveXml;
    const p = plan(running({ inactiveXml: added, liveXml }), [{ kind: 'disk-detach', target: 'vdb' }]);
    expect(p.changes[0]!.live).toEqual([{ kind: 'detach-device', xml: liveDisk }]);
    expect(p.deleteVolumes).toEqual([]);
  });
});

describe('NICs', () => {
  it('adds a NIC with the MAC it was given, live and in the definition', () => {
    const p = plan(running(), [{ kind: 'nic-add', network: 'isolated' }]);
    expect(nics(p.inactiveXml).map((n) => text(node(n, 'mac'), '@address'))).toEqual([
      MAC,
      '52:54:00:aa:00:01',
    ]);
    expect(p.changes[0]!.live).toEqual([
      {
        kind: 'attach-device',
        xml: "<interface type='network'>\n  <mac address='52:54:00:aa:00:01'/>\n  <source network='isolated'/>\n  <model type='virtio'/>\n</interface>",
      },
    ]);
    expect(plan(ctx(), [{ kind: 'nic-add', network: 'nope' }]).refusals[0]!.message).toBe(
      "Network nope is not on the VM's host",
    );
  });

  it('hot-plugs only while the running VM has a free PCIe root port, then waits for the next boot', () => {
    // The golden VM's root ports 1-7 carry six devices: one is free.
    const p = plan(running(), [
      { kind: 'nic-add', network: 'default' },
      { kind: 'disk-add-new', pool: POOL, sizeBytes: MiB },
      { kind: 'nic-add', network: 'default' },
    ]);
    expect(p.changes.map((c) => c.effect)).toEqual(['both', 'next-boot', 'next-boot']);
    expect(p.changes[1]!.note).toMatch(/no free PCIe slot/);
    expect(nics(p.inactiveXml)).toHaveLength(3);
    const spare = LIVE.replace(
      '</devices>',
      "<controller type='pci' index='8' model='pcie-root-port'/></devices>",
    );
    const q = plan(running({ liveXml: spare }), [
      { kind: 'nic-add', network: 'default' },
      { kind: 'disk-add-new', pool: POOL, sizeBytes: MiB },
    ]);
    expect(q.changes.map((c) => c.effect)).toEqual(['both', 'both']);
  });

  it('changes the network live with update-device, and the model only at next boot', () => {
    const net = plan(running(), [{ kind: 'nic-update', mac: MAC, network: 'isolated' }]);
    const action = net.changes[0]!.live[0]!;
    expect(action.kind).toBe('update-device');
    const upd = node(parseXml((action as { xml: string }).xml), 'interface');
    expect(text(node(upd, 'source'), '@network')).toBe('isolated');
    expect(text(node(upd, 'mac'), '@address')).toBe(MAC);
    const model = plan(running(), [{ kind: 'nic-update', mac: MAC, model: 'e1000e' }]);
    expect(model.changes[0]).toMatchObject({ effect: 'next-boot', live: [] });
    expect(text(node(nics(model.inactiveXml)[0], 'model'), '@type')).toBe('e1000e');
  });

  it('removes a NIC live and from the definition, and refuses an unknown one', () => {
    const p = plan(running(), [{ kind: 'nic-remove', mac: MAC.toUpperCase() }]);
    expect(nics(p.inactiveXml)).toEqual([]);
    expect(p.changes[0]!.live[0]!.kind).toBe('detach-device');
    expect(plan(ctx(), [{ kind: 'nic-remove', mac: '52:54:00:00:00:00' }]).refusals[0]!.message).toBe(
      'The VM has no NIC 52:54:00:00:00:00',
    );
  });
});

describe('CD-ROMs, boot order and the rest', () => {
  it('inserts and ejects live with change-media', () => {
    const ins = plan(running(), [{ kind: 'cdrom-insert', pool: POOL, volume: 'other.iso' }]);
    expect(ins.changes[0]!.live).toEqual([
      { kind: 'change-media', target: 'sda', path: `${PDIR}/other.iso`, insert: false },
    ]);
    const ej = plan(running(), [{ kind: 'cdrom-eject', target: 'sda' }]);
    expect(ej.changes[0]!.live).toEqual([{ kind: 'change-media', target: 'sda', path: null, insert: false }]);
    expect(node(disks(ej.inactiveXml)[1], 'source')).toBeUndefined();
    const again = plan(running({ inactiveXml: ej.inactiveXml }), [
      { kind: 'cdrom-insert', pool: POOL, volume: 'other.iso' },
    ]);
    expect(text(node(disks(again.inactiveXml)[1], 'source'), '@file')).toBe(`${PDIR}/other.iso`);
  });

  it('adds a CD-ROM drive to a VM without one, at next boot', () => {
    const none = plan(ctx(), [{ kind: 'disk-detach', target: 'vda' }]); // refused: keeps the document
    expect(none.inactiveXml).toBe(INACTIVE);
    const noCd = INACTIVE.replace(/\n\s*<disk type='file' device='cdrom'>[\s\S]*?<\/disk>/, '');
    const p = plan(ctx({ inactiveXml: noCd }), [{ kind: 'cdrom-insert', pool: POOL, volume: 'other.iso' }]);
    const cd = disks(p.inactiveXml)[1]!;
    expect(text(cd, '@device')).toBe('cdrom');
    expect(text(node(cd, 'target'), '@dev')).toBe('sda');
    expect('readonly' in cd).toBe(true);
  });

  it('sets the boot order, and refuses a VM that orders its devices itself', () => {
    const p = plan(ctx(), [{ kind: 'boot-order', order: ['network', 'hd'] }]);
    expect(nodes(node(dom(p.inactiveXml), 'os'), 'boot').map((b) => text(b, '@dev'))).toEqual([
      'network',
      'hd',
    ]);
    const perDevice = INACTIVE.replace(/\s*<boot dev='[^']*'\/>/g, '').replace(
      "<target dev='vda' bus='virtio'/>",
      "<target dev='vda' bus='virtio'/>\n      <boot order='1'/>",
    );
    expect(
      plan(ctx({ inactiveXml: perDevice }), [{ kind: 'boot-order', order: ['hd'] }]).refusals[0]!.message,
    ).toMatch(/per-device order/);
  });

  it('writes, replaces and clears the description', () => {
    const p = plan(running(), [{ kind: 'description', text: 'a "b" & <c>\nline 2' }]);
    expect(text(dom(p.inactiveXml), 'description')).toBe('a "b" & <c>\nline 2');
    expect(p.changes[0]!.live).toEqual([{ kind: 'description', text: 'a "b" & <c>\nline 2' }]);
    const q = plan(ctx({ inactiveXml: p.inactiveXml }), [{ kind: 'description', text: 'x' }]);
    expect(text(dom(q.inactiveXml), 'description')).toBe('x');
    expect(plan(ctx({ inactiveXml: q.inactiveXml }), [{ kind: 'description', text: '' }]).inactiveXml).toBe(
      INACTIVE,
    );
  });

  it('leaves autostart and labels out of the document', () => {
    const p = plan(running(), [
      { kind: 'autostart', enabled: false },
      { kind: 'labels', labels: { a: 'b' } },
    ]);
    expect(p.inactiveXml).toBe(INACTIVE);
    expect(p.autostart).toBe(false);
    expect(p.labels).toEqual({ a: 'b' });
    expect(p.changes.map((c) => c.effect)).toEqual(['now', 'now']);
  });

  it('undoes a refused change entirely, volumes included', () => {
    const p = plan(ctx(), [
      { kind: 'disk-add-new', pool: POOL, sizeBytes: MiB, target: 'sda', bus: 'sata' },
      { kind: 'nic-add', network: 'nope' },
      { kind: 'nic-add', network: 'default' },
    ]);
    expect(p.refusals.map((r) => r.index)).toEqual([0, 1]);
    expect(p.createVolumes).toEqual([]);
    // The refused NIC did not use up the first MAC.
    expect(nics(p.inactiveXml).map((n) => text(node(n, 'mac'), '@address'))).toEqual([
      MAC,
      '52:54:00:aa:00:01',
    ]);
  });
});

describe('the virsh arguments of a live action', () => {
  it('put every value after its option', () => {
    expect(liveActionArgs('u-1', { kind: 'setvcpus', count: 3 })).toEqual([
      'setvcpus',
      '--domain',
      'u-1',
      '--count',
      '3',
      '--live',
    ]);
    expect(liveActionArgs('u-1', { kind: 'setmem', kib: 1024 })).toEqual([
      'setmem',
      '--domain',
      'u-1',
      '--size',
      '1024KiB',
      '--live',
    ]);
    expect(liveActionArgs('u-1', { kind: 'blockresize', target: 'vda', bytes: MiB })).toEqual([
      'blockresize',
      '--domain',
      'u-1',
      '--path',
      'vda',
      '--size',
      `${MiB}B`,
    ]);
    expect(
      liveActionArgs('u-1', { kind: 'change-media', target: 'sda', path: '-x.iso', insert: true }),
    ).toEqual([
      'change-media',
      '--domain',
      'u-1',
      '--path',
      'sda',
      '--source',
      '-x.iso',
      '--insert',
      '--live',
    ]);
    expect(liveActionArgs('u-1', { kind: 'attach-device', xml: '<disk/>' }, '/tmp/d.xml')).toEqual([
      'attach-device',
      '--domain',
      'u-1',
      '--file',
      '/tmp/d.xml',
      '--live',
    ]);
    expect(() => liveActionArgs('u-1', { kind: 'detach-device', xml: '<disk/>' })).toThrow(/needs the file/);
  });
});

// ---- properties ----

const GOLDENS = [
  INACTIVE,
  ...readdirSync(join(__dirname, 'golden'))
    .filter((f) => f.endsWith('.xml'))
    .map((f) => readFileSync(join(__dirname, 'golden', f), 'utf8')),
];

/** Each disk and NIC block of a document, as written. */
function deviceTexts(xml: string): string[] {
  return [...xml.matchAll(/<(disk|interface)(?=[\s>])[\s\S]*?<\/\1>/g)].map((m) => m[0]);
}

const changeArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({
    kind: fc.constant('disk-add-new' as const),
    pool: fc.constant(POOL),
    sizeBytes: fc.constant(MiB),
  }),
  fc.record({
    kind: fc.constant('disk-add-existing' as const),
    pool: fc.constant(POOL),
    volume: fc.constant('data.raw'),
  }),
  fc.record({ kind: fc.constant('disk-detach' as const), target: fc.constantFrom('vda', 'vdb', 'sdc') }),
  fc.record({ kind: fc.constant('nic-add' as const), network: fc.constantFrom('default', 'isolated') }),
  fc.record({ kind: fc.constant('cdrom-eject' as const), target: fc.constantFrom('sda', 'sdb') }),
  fc.record({
    kind: fc.constant('vcpus' as const),
    current: fc.integer({ min: 1, max: 4 }),
    maximum: fc.constant(4),
  }),
  fc.record({ kind: fc.constant('memory' as const), currentBytes: fc.constant(128 * MiB) }),
  fc.record({ kind: fc.constant('boot-order' as const), order: fc.constant(['hd' as const]) }),
  fc.record({ kind: fc.constant('description' as const), text: fc.string({ maxLength: 20 }) }),
);

describe('properties', () => {
  it('no change gives back every golden document byte for byte', () => {
    for (const xml of GOLDENS) {
      expect(planSettings(ctx({ inactiveXml: xml }), []).inactiveXml).toBe(xml);
      expect(
        planSettings(ctx({ inactiveXml: xml }), changes([{ kind: 'autostart', enabled: true }])).inactiveXml,
      ).toBe(xml);
    }
  });

  it('a change never touches the devices it does not name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...GOLDENS), changeArb, (xml, c) => {
        const parsed = VmSettingsChange.safeParse(c);
        fc.pre(parsed.success);
        const p = planSettings(ctx({ inactiveXml: xml }), [parsed.data!]);
        const out = deviceTexts(p.inactiveXml);
        const named = typeof c.target === 'string' ? c.target : undefined;
        for (const block of deviceTexts(xml)) {
          const target = /<target dev=['"]([^'"]+)/.exec(block)?.[1];
          if (named !== undefined && target === named) continue;
          expect(out).toContain(block);
        }
        expect(XMLValidator.validate(p.inactiveXml)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never writes a hostile name, path or text unescaped', () => {
    const hostile = fc
      .string({ minLength: 1, maxLength: 24 })
      .map((s) => `${s}'"<>&]]>`)
      .filter((s) => !CONTROL_CHARS.test(s) && !/[\ud800-\udfff\ufffe\uffff]/.test(s) && s.trim() === s);
    fc.assert(
      fc.property(hostile, hostile, hostile, (net, dir, desc) => {
        const c = ctx({
          inactiveXml: INACTIVE,
          pools: [{ name: POOL, path: `/srv/${dir}` }],
          volumes: [
            { pool: POOL, name: 'v.iso', path: `/srv/${dir}/v.iso`, format: 'iso', capacityBytes: MiB },
          ],
          networks: [net],
        });
        const list = [
          { kind: 'nic-add', network: net },
          { kind: 'disk-add-new', pool: POOL, sizeBytes: MiB },
          { kind: 'cdrom-insert', pool: POOL, volume: 'v.iso' },
          { kind: 'description', text: desc },
        ] as const;
        const parsed = list.map((x) => VmSettingsChange.safeParse(x));
        fc.pre(parsed.every((r) => r.success));
        const p = planSettings(
          c,
          parsed.map((r) => r.data!),
        );
        expect(p.refusals).toEqual([]);
        expect(XMLValidator.validate(p.inactiveXml)).toBe(true);
        for (const raw of [net, dir, desc]) expect(p.inactiveXml).not.toContain(raw);
        const d = dom(p.inactiveXml);
        const devs = node(d, 'devices');
        expect(nodes(devs, 'interface').map((n) => text(node(n, 'source'), '@network'))).toContain(net);
        expect(text(d, 'description')).toBe(desc);
        const sources = nodes(devs, 'disk').map((x) => text(node(x, 'source'), '@file'));
        expect(sources).toContain(`/srv/${dir}/v.iso`);
        expect(sources).toContain(`/srv/${dir}/qhci-t-set-golden-disk1.qcow2`);
        for (const a of p.changes.flatMap((x) => x.live)) {
          if ('xml' in a) expect(XMLValidator.validate(a.xml)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
