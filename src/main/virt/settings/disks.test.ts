import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiB } from '../../../shared/domain/provision';
import { DISK0, PDIR, plan, POOL, targets, settingsFixture } from './testing';

const DIR = join(__dirname, '..', 'golden', 'settings');
const INACTIVE = readFileSync(join(DIR, 'running-inactive.xml'), 'utf8');
const LIVE = readFileSync(join(DIR, 'running-live.xml'), 'utf8');
const { ctx, running } = settingsFixture(INACTIVE, LIVE);

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
