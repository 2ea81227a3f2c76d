/**
 * The documents settings-xml.ts plans are accepted by libvirt: each change kind, applied with the module to a
 * throw-away domain's inactive XML on the testbed's qemu:///system, is `virsh define`d and read back with
 * `virsh dumpxml --inactive`. The change is there, and every line libvirt gave before that the change does
 * not name is still there. Then, on the same domain started (TCG, no guest OS: it waits in the firmware), the
 * live actions that need no guest run through virsh with the arguments liveActionArgs gives.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  liveActionArgs,
  planSettings,
  type SettingsPlan,
  type SettingsVolume,
} from '../../../src/main/virt/settings-xml';
import { diffXml, prettyXml } from '../../../src/main/virt/xml-diff';
import { parseDomainMetadata, parseVolumeXml } from '../../../src/main/virt/parse';
import { node, nodes, parseXml, text } from '../../../src/main/virt/xml';
import { VmSettingsChange, type VmSettingsRequest } from '../../../src/shared/domain/vm-settings';
import { defineXml, removeDomain, virsh } from '../../helpers/domains';
import { MiB, POOL, POOL_DIR, makeIso, removeVolume, uniq } from '../../helpers/provision';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const GOLDEN = join(__dirname, '../../../src/main/virt/golden/settings/running-inactive.xml');
const NAME = uniq('qhci-t-set');
const UUID = randomUUID();
const DISK0 = `${NAME}-disk0.qcow2`;
const DATA = `${NAME}-data.raw`;
const ISO = `${NAME}-install.iso`;
const ISO2 = `${NAME}-other.iso`;

/** The golden domain renamed, on fresh files in the testbed pool, its MAC left to libvirt. */
function sourceXml(): string {
  return readFileSync(GOLDEN, 'utf8')
    .replace(/qhci-t-set-golden-install\.iso/g, ISO)
    .replace(/qhci-t-set-golden-disk0\.qcow2/g, DISK0)
    .replace(/qhci-t-set-golden/g, NAME)
    .replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${UUID}</uuid>`)
    .replace(/\n\s*<mac address=[^>]*\/>/, '');
}

/** The volumes of this test in the pool, as the inventory would know them. */
function volumes(): SettingsVolume[] {
  virsh('pool-refresh', POOL);
  return virsh('vol-list', POOL)
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith(NAME))
    .map((n) => parseVolumeXml(virsh('vol-dumpxml', '--pool', POOL, n), POOL));
}

const inactive = () => virsh('dumpxml', '--inactive', UUID);
const dom = (xml: string) => node(parseXml(xml), 'domain');
const devices = (xml: string) => node(dom(xml), 'devices');
const diskOf = (xml: string, target: string) =>
  nodes(devices(xml), 'disk').find((d) => text(node(d, 'target'), '@dev') === target);

let macs = 0;
/** The MAC the last plan was given for a new NIC. */
let lastMac = '';

function planned(
  xml: string,
  changes: VmSettingsRequest['changes'],
  liveXml: string | null = null,
): SettingsPlan {
  lastMac = `52:54:00:7e:${(0x10 + macs).toString(16)}:${randomUUID().slice(0, 2)}`;
  const p = planSettings(
    {
      inactiveXml: xml,
      liveXml,
      pools: [{ name: POOL, path: POOL_DIR }],
      volumes: volumes(),
      networks: ['default'],
      macs: [lastMac],
    },
    changes.map((c) => VmSettingsChange.parse(c)),
  );
  macs++;
  expect(p.refusals).toEqual([]);
  return p;
}

/**
 * Applies a change list to the domain's inactive XML, defines the result and reads it back. Returns the plan,
 * the document read back and the lines libvirt gave before that are gone (each must be one the change names).
 */
function apply(changes: VmSettingsRequest['changes']): { plan: SettingsPlan; after: string; gone: string[] } {
  const before = inactive();
  const plan = planned(before, changes);
  for (const v of plan.createVolumes) {
    virsh(
      'vol-create-as',
      '--pool',
      v.pool,
      '--name',
      v.name,
      '--capacity',
      `${v.sizeBytes}B`,
      '--format',
      v.format,
    );
  }
  defineXml(plan.inactiveXml);
  const after = inactive();
  const lines = diffXml(before, after, 0).hunks.flatMap((h) => h.lines);
  // A line that moved (libvirt keeps its devices sorted) is removed and added: only what is not added back is gone.
  const added = lines.filter((l) => l.kind === 'add').map((l) => l.text.trim());
  const gone: string[] = [];
  for (const l of lines.filter((x) => x.kind === 'remove').map((x) => x.text.trim())) {
    const k = added.indexOf(l);
    if (k >= 0) added.splice(k, 1);
    else gone.push(l);
  }
  expect(text(dom(after), 'uuid')).toBe(UUID);
  expect(parseDomainMetadata(after)).toEqual(parseDomainMetadata(before));
  return { plan, after, gone };
}

const only = (gone: string[], re: RegExp) => expect(gone.filter((l) => !re.test(l))).toEqual([]);

describe.skipIf(!testbed)(`settings XML accepted by libvirt ${NO_TESTBED}`, () => {
  beforeAll(() => {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(POOL_DIR, DISK0), '16M']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(POOL_DIR, DATA), '8M']);
    makeIso(ISO);
    makeIso(ISO2);
    defineXml(sourceXml());
  }, 60_000);

  afterAll(() => {
    removeDomain(UUID);
    for (const v of volumes()) removeVolume(v.name);
  });

  it('vCPUs: a new maximum and current count, the topology to match', () => {
    const { after, gone } = apply([{ kind: 'vcpus', current: 2, maximum: 4 }]);
    const d = dom(after);
    expect(text(d, 'vcpu')).toBe('4');
    expect(text(node(d, 'vcpu'), '@current')).toBe('2');
    const t = node(node(d, 'cpu'), 'topology');
    expect(
      ['sockets', 'dies', 'cores', 'threads'].reduce((n, a) => n * Number(text(t, `@${a}`) ?? 1), 1),
    ).toBe(4);
    only(gone, /^<(vcpu|topology)\b/);
    expect(gone.length).toBeGreaterThan(0);
  });

  it('memory: a new maximum and current size', () => {
    const { after, gone } = apply([{ kind: 'memory', currentBytes: 96 * MiB, maximumBytes: 192 * MiB }]);
    expect(text(dom(after), 'memory')).toBe(String(192 * 1024));
    expect(text(dom(after), 'currentMemory')).toBe(String(96 * 1024));
    only(gone, /^<(memory|currentMemory)\b/);
  });

  it('a new volume as a virtio disk', () => {
    const { plan, after, gone } = apply([{ kind: 'disk-add-new', pool: POOL, sizeBytes: 8 * MiB }]);
    expect(plan.createVolumes).toHaveLength(1);
    const vdb = diskOf(after, 'vdb');
    expect(text(node(vdb, 'source'), '@file')).toBe(plan.createVolumes[0]!.path);
    expect(text(node(vdb, 'driver'), '@type')).toBe('qcow2');
    expect(gone).toEqual([]);
  });

  it('an existing volume as a SATA disk', () => {
    const { after, gone } = apply([{ kind: 'disk-add-existing', pool: POOL, volume: DATA, bus: 'sata' }]);
    const sdb = diskOf(after, 'sdb');
    expect(text(node(sdb, 'source'), '@file')).toBe(join(POOL_DIR, DATA));
    expect(text(node(sdb, 'driver'), '@type')).toBe('raw');
    expect(gone).toEqual([]);
  });

  it('a disk grown while the VM is off: the volume grows, the document stays', () => {
    const before = inactive();
    const plan = planned(before, [{ kind: 'disk-grow', target: 'vdb', sizeBytes: 16 * MiB }]);
    expect(plan.inactiveXml).toBe(before);
    expect(plan.resizeVolumes).toEqual([expect.objectContaining({ sizeBytes: 16 * MiB, pool: POOL })]);
    const v = plan.resizeVolumes[0]!;
    virsh('vol-resize', '--pool', v.pool, v.name, `${v.sizeBytes}B`);
    expect(volumes().find((x) => x.name === v.name)?.capacityBytes).toBe(16 * MiB);
  });

  it('a disk detached with its volume', () => {
    const before = inactive();
    const vdbLines = new Set(
      /<disk[^>]*>(?:(?!<\/disk>)[\s\S])*?<target dev="vdb"[\s\S]*?<\/disk>/
        .exec(prettyXml(before))![0]
        .split('\n')
        .map((l) => l.trim()),
    );
    const { plan, after, gone } = apply([{ kind: 'disk-detach', target: 'vdb', deleteVolume: true }]);
    expect(diskOf(after, 'vdb')).toBeUndefined();
    expect(plan.deleteVolumes.map((v) => v.name)).toEqual([`${NAME}-disk1.qcow2`]);
    expect(gone.length).toBeGreaterThan(0);
    expect(gone.filter((l) => !vdbLines.has(l))).toEqual([]);
    for (const v of plan.deleteVolumes) virsh('vol-delete', '--pool', v.pool, v.name);
  });

  it('a NIC added, its model changed, and removed', () => {
    const add = apply([{ kind: 'nic-add', network: 'default', model: 'rtl8139' }]);
    const mac = lastMac;
    const nic = nodes(devices(add.after), 'interface').find((n) => text(node(n, 'mac'), '@address') === mac);
    expect(text(node(nic, 'source'), '@network')).toBe('default');
    expect(text(node(nic, 'model'), '@type')).toBe('rtl8139');
    expect(add.gone).toEqual([]);

    const upd = apply([{ kind: 'nic-update', mac, model: 'e1000e' }]);
    const nic2 = nodes(devices(upd.after), 'interface').find((n) => text(node(n, 'mac'), '@address') === mac);
    expect(text(node(nic2, 'model'), '@type')).toBe('e1000e');
    only(upd.gone, /^<(model type|address type='pci')/);

    const rm = apply([{ kind: 'nic-remove', mac }]);
    expect(nodes(devices(rm.after), 'interface').map((n) => text(node(n, 'mac'), '@address'))).not.toContain(
      mac,
    );
    expect(nodes(devices(rm.after), 'interface')).toHaveLength(1);
    only(
      rm.gone,
      new RegExp(`^(<interface|<mac address="${mac}"|<source network|<model|<address|</interface>)`),
    );
  });

  it('a CD-ROM ejected, then given another ISO', () => {
    const ej = apply([{ kind: 'cdrom-eject', target: 'sda' }]);
    expect(node(diskOf(ej.after, 'sda'), 'source')).toBeUndefined();
    only(ej.gone, /^<source file=/);
    expect(ej.gone).toHaveLength(1);
    const ins = apply([{ kind: 'cdrom-insert', pool: POOL, volume: ISO2 }]);
    expect(text(node(diskOf(ins.after, 'sda'), 'source'), '@file')).toBe(join(POOL_DIR, ISO2));
    expect(ins.gone).toEqual([]);
  });

  it('the boot order and the description', () => {
    const boot = apply([{ kind: 'boot-order', order: ['network', 'hd'] }]);
    expect(nodes(node(dom(boot.after), 'os'), 'boot').map((b) => text(b, '@dev'))).toEqual(['network', 'hd']);
    only(boot.gone, /^<boot dev=/);
    const desc = apply([{ kind: 'description', text: `web & <db> "it's"\nsecond line` }]);
    expect(text(dom(desc.after), 'description')).toBe(`web & <db> "it's"\nsecond line`);
    expect(desc.gone).toEqual([]);
  });

  it('a SATA disk detached, keeping its volume', () => {
    const { plan, after, gone } = apply([{ kind: 'disk-detach', target: 'sdb' }]);
    expect(diskOf(after, 'sdb')).toBeUndefined();
    expect(plan.deleteVolumes).toEqual([]);
    only(gone, /^(<disk|<driver|<source|<target|<address|<\/disk>)/);
    expect(volumes().map((v) => v.name)).toContain(DATA);
  });

  describe('on the running VM', () => {
    let dir: string;
    const run = (p: SettingsPlan) => {
      for (const a of p.changes.flatMap((c) => c.live)) {
        const file = join(dir, 'device.xml');
        if ('xml' in a) writeFileSync(file, a.xml);
        virsh(...liveActionArgs(UUID, a, file));
      }
    };
    const live = () => virsh('dumpxml', UUID);

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'qhci-set-'));
      // Two spare PCIe root ports, as virt-install gives a q35 VM: QEMU adds none while it runs.
      const spare = "<controller type='pci' model='pcie-root-port'/>";
      defineXml(inactive().replace('</devices>', `${spare}${spare}</devices>`));
      virsh('start', UUID);
    }, 60_000);
    afterAll(() => {
      rmSync(dir, { recursive: true, force: true });
      try {
        virsh('destroy', UUID);
      } catch {
        /* not running */
      }
    });

    it('adds a vCPU, a disk and a NIC, grows the disk and changes the CD-ROM live, and keeps them', () => {
      const p = planned(
        inactive(),
        [
          { kind: 'vcpus', current: 3 },
          { kind: 'disk-add-new', pool: POOL, sizeBytes: 8 * MiB },
          { kind: 'nic-add', network: 'default' },
          { kind: 'cdrom-insert', pool: POOL, volume: ISO },
        ],
        live(),
      );
      expect(p.changes.map((c) => c.effect)).toEqual(['both', 'both', 'both', 'both']);
      for (const v of p.createVolumes) {
        virsh(
          'vol-create-as',
          '--pool',
          v.pool,
          '--name',
          v.name,
          '--capacity',
          `${v.sizeBytes}B`,
          '--format',
          v.format,
        );
      }
      defineXml(p.inactiveXml);
      run(p);
      const now = live();
      expect(text(node(dom(now), 'vcpu'), '@current')).toBe('3');
      const target = /disk (vd[a-z]+)/.exec(p.changes[1]!.summary)![1]!;
      expect(text(node(diskOf(now, target), 'source'), '@file')).toBe(p.createVolumes[0]!.path);
      expect(text(node(diskOf(now, 'sda'), 'source'), '@file')).toBe(join(POOL_DIR, ISO));
      expect(nodes(devices(now), 'interface')).toHaveLength(2);
      const after = inactive();
      expect(text(node(dom(after), 'vcpu'), '@current')).toBe('3');
      expect(diskOf(after, target)).toBeDefined();

      const grow = planned(after, [{ kind: 'disk-grow', target, sizeBytes: 16 * MiB }], now);
      expect(grow.changes[0]!.live).toEqual([{ kind: 'blockresize', target, bytes: 16 * MiB }]);
      run(grow);
      expect(volumes().find((v) => v.path === p.createVolumes[0]!.path)?.capacityBytes).toBe(16 * MiB);

      const ej = planned(after, [{ kind: 'cdrom-eject', target: 'sda' }], live());
      defineXml(ej.inactiveXml);
      run(ej);
      // An empty tray of a running VM keeps a `<source index>` without a file.
      expect(text(node(diskOf(live(), 'sda'), 'source'), '@file')).toBeUndefined();
      expect(node(diskOf(inactive(), 'sda'), 'source')).toBeUndefined();
    }, 60_000);

    it('sets the balloon and the description live, a description that looks like an option included', () => {
      const text0 = '--title & <x>';
      const p = planned(
        inactive(),
        [
          { kind: 'memory', currentBytes: 64 * MiB },
          { kind: 'description', text: text0 },
        ],
        live(),
      );
      expect(p.changes.map((c) => c.live.map((a) => a.kind))).toEqual([['setmem'], ['description']]);
      defineXml(p.inactiveXml);
      run(p);
      expect(text(dom(live()), 'description')).toBe(text0);
      expect(text(dom(inactive()), 'description')).toBe(text0);
      expect(text(dom(inactive()), 'currentMemory')).toBe(String(64 * 1024));
    }, 60_000);
  });
});
