import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneDomainXml, cloneFacts, macFrom, type CloneXmlPlan } from './clone-xml';
import { node, nodes, parseXml, text } from './xml';

const DIR = join(__dirname, 'golden', 'clone');
const source = readFileSync(join(DIR, 'source.xml'), 'utf8');

const plan: CloneXmlPlan = {
  name: 'web-2',
  uuid: '0b7c5a5e-1111-4222-8333-444455556666',
  description: 'a clone of web-1 & co',
  vmId: 'vm-clone',
  macs: ['52:54:00:aa:bb:01', '52:54:00:aa:bb:02'],
  disks: {
    vda: '/var/lib/libvirt/images/web-2-disk0.qcow2',
    vdb: '/var/lib/libvirt/images/web-2-disk1.qcow2',
  },
  seedPath: '/var/lib/libvirt/images/web-2-cidata.iso',
  nvram: '/var/lib/libvirt/qemu/nvram/web-2_VARS.fd',
};

describe('the clone of a domain', () => {
  it('copies the writable disks and shares read-only, shareable and ISO media', () => {
    const f = cloneFacts(source);
    expect(f.name).toBe('web-1');
    expect(f.refusal).toBeNull();
    expect(f.tpm).toBe(true);
    expect(f.nics).toBe(2);
    expect(f.nvram).toBe('/var/lib/libvirt/qemu/nvram/web-1_VARS.fd');
    expect(f.disks.filter((d) => d.copy).map((d) => d.target)).toEqual(['vda', 'vdb']);
    expect(f.disks.filter((d) => d.seed).map((d) => d.target)).toEqual(['sda']);
  });

  it('matches its golden file (new identity, MACs, disks, NVRAM, seed; graphics on an automatic port)', () => {
    const out = cloneDomainXml(source, plan);
    const file = join(DIR, 'clone.xml');
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, out);
    expect(out).toBe(readFileSync(file, 'utf8'));
  });

  it('leaves nothing of the source identity or writable files in the clone', () => {
    const out = cloneDomainXml(source, plan);
    for (const old of ['f12e9756', '52:54:00:11:22:33', '52:54:00:44:55:66', 'web-1-disk0', 'web-1-data']) {
      expect(out).not.toContain(old);
    }
    expect(out).not.toContain('backingStore');
    expect(out).not.toContain('5905');
    expect(out).toContain('/srv/shared/reference.img');
    expect(out).toContain('/srv/shared/cluster.img');
    expect(out).toContain('debian-12-netinst.iso');
    expect(out).toContain('passwd=');
    const dom = node(parseXml(out), 'domain');
    expect(text(dom, 'name')).toBe('web-2');
    expect(text(dom, 'description')).toBe('a clone of web-1 & co');
    const disks = nodes(node(dom, 'devices'), 'disk');
    expect(text(node(disks[1], 'driver'), '@type')).toBe('qcow2');
    expect(text(disks[1], '@type')).toBe('file');
  });

  it('drops a seed it has no fresh one for, and refuses a network disk', () => {
    expect(cloneDomainXml(source, { ...plan, seedPath: null })).not.toContain('cidata');
    const net = source
      .replace("<source dev='/dev/vg0/web-1-data'/>", "<source protocol='rbd' name='pool/img'/>")
      .replace("<disk type='block'", "<disk type='network'");
    expect(cloneFacts(net).refusal).toMatch(/vdb is a network disk/);
    const vmdk = source.replace("<driver name='qemu' type='raw'/>", "<driver name='qemu' type='vmdk'/>");
    expect(cloneFacts(vmdk).refusal).toMatch(/vdb is vmdk; QHCI clones only raw and qcow2/);
    expect(cloneFacts(source).disks.map((d) => d.format)).toEqual([
      'qcow2',
      'raw',
      'raw',
      'raw',
      'raw',
      'raw',
    ]);
  });

  it('leaves a CD-ROM its host lacks empty on another host, and only that one', () => {
    const iso = cloneFacts(source).disks.find((d) => d.device === 'cdrom' && !d.seed)!;
    const out = cloneDomainXml(source, { ...plan, eject: [iso.target, 'vda'] });
    const disks = nodes(node(node(parseXml(out), 'domain'), 'devices'), 'disk');
    const drive = disks.find((d) => text(node(d, 'target'), '@dev') === iso.target)!;
    expect(drive).toBeDefined();
    expect(node(drive, 'source')).toBeUndefined();
    expect(out).not.toContain(iso.source!);
    // The seed and the disks keep theirs: eject names CD-ROMs only.
    expect(out).toContain('/var/lib/libvirt/images/web-2-cidata.iso');
    expect(out).toContain('/var/lib/libvirt/images/web-2-disk0.qcow2');
    expect(cloneDomainXml(source, plan)).toContain(iso.source!);
  });

  it('makes QEMU MACs from random bytes', () => {
    expect(macFrom(new Uint8Array([0, 0xab, 0xff]))).toBe('52:54:00:00:ab:ff');
    for (let i = 0; i < 50; i++) {
      const b = new Uint8Array([i * 5, 255 - i, i]);
      expect(macFrom(b)).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    }
  });
});
