import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiB } from '../../../shared/domain/provision';
import { node, parseXml, text } from '../xml';
import { MAC, nics, plan, POOL, settingsFixture } from './testing';

const DIR = join(__dirname, '..', 'golden', 'settings');
const INACTIVE = readFileSync(join(DIR, 'running-inactive.xml'), 'utf8');
const LIVE = readFileSync(join(DIR, 'running-live.xml'), 'utf8');
const { ctx, running } = settingsFixture(INACTIVE, LIVE);

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
