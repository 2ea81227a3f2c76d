import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiB } from '../../../shared/domain/provision';
import { node, nodes, text } from '../xml';
import { disks, dom, MAC, nics, PDIR, plan, POOL, settingsFixture } from './testing';

const DIR = join(__dirname, '..', 'golden', 'settings');
const INACTIVE = readFileSync(join(DIR, 'running-inactive.xml'), 'utf8');
const LIVE = readFileSync(join(DIR, 'running-live.xml'), 'utf8');
const { ctx, running } = settingsFixture(INACTIVE, LIVE);

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
