import { describe, expect, it } from 'vitest';
import { VmSettingsInput } from '../shared/domain/vm-settings';
import { destructive, settingsChanges } from './set-args';

const MiB = 1024 ** 2;
const GiB = 1024 * MiB;
const VM = '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70';

describe('qhci vm set flags', () => {
  it('every flag becomes the contract change it names, accepted by the contract', () => {
    const changes = settingsChanges(
      {
        vcpus: '2:8',
        memory: '4G:8G',
        'add-disk': ['default:20G', 'fast:1G:sata'],
        'attach-volume': ['default/data.raw'],
        'grow-disk': ['vdb:40G'],
        'detach-disk': ['vdc'],
        'delete-volume': true,
        'add-nic': ['default', 'lab:e1000e'],
        'remove-nic': ['52:54:00:00:00:01'],
        nic: ['52:54:00:AA:00:02:network=lab,model=rtl8139'],
        'insert-iso': ['sda=isos/debian.iso'],
        eject: ['sdb'],
        boot: 'cdrom,hd',
        autostart: 'on',
        description: 'web',
        label: ['env=prod', 'old='],
      },
      { old: 'x', keep: 'y' },
    );
    expect(changes).toEqual([
      { kind: 'vcpus', current: 2, maximum: 8 },
      { kind: 'memory', currentBytes: 4 * GiB, maximumBytes: 8 * GiB },
      { kind: 'disk-add-new', pool: 'default', sizeBytes: 20 * GiB },
      { kind: 'disk-add-new', pool: 'fast', sizeBytes: GiB, bus: 'sata' },
      { kind: 'disk-add-existing', pool: 'default', volume: 'data.raw' },
      { kind: 'disk-grow', target: 'vdb', sizeBytes: 40 * GiB },
      { kind: 'disk-detach', target: 'vdc', deleteVolume: true },
      { kind: 'nic-add', network: 'default' },
      { kind: 'nic-add', network: 'lab', model: 'e1000e' },
      { kind: 'nic-remove', mac: '52:54:00:00:00:01' },
      { kind: 'nic-update', mac: '52:54:00:AA:00:02', network: 'lab', model: 'rtl8139' },
      { kind: 'cdrom-insert', pool: 'isos', volume: 'debian.iso', target: 'sda' },
      { kind: 'cdrom-eject', target: 'sdb' },
      { kind: 'boot-order', order: ['cdrom', 'hd'] },
      { kind: 'autostart', enabled: true },
      { kind: 'description', text: 'web' },
      { kind: 'labels', labels: { keep: 'y', env: 'prod' } },
    ]);
    expect(VmSettingsInput.safeParse({ vmId: VM, changes }).success).toBe(true);
    expect(destructive(changes)).toEqual(['delete the volume of disk vdc', 'remove NIC 52:54:00:00:00:01']);
  });

  it('a malformed flag is refused with its name and form', () => {
    const cases: [Parameters<typeof settingsChanges>[0], RegExp][] = [
      [{ vcpus: 'two' }, /--vcpus: "two" is not N\[:MAX\]/],
      [{ vcpus: '1:2:3' }, /--vcpus/],
      [{ memory: 'lots' }, /--memory: "lots" is not a size/],
      [{ 'add-disk': ['20G'] }, /--add-disk: "20G" is not POOL:SIZE/],
      [{ 'attach-volume': ['data.raw'] }, /--attach-volume: "data.raw" is not POOL\/VOLUME/],
      [{ 'grow-disk': ['vdb'] }, /--grow-disk/],
      [{ nic: ['52:54:00:00:00:01:color=red'] }, /--nic/],
      [{ nic: ['eth0:network=x'] }, /--nic/],
      [{ autostart: 'yes' }, /--autostart: "yes" is not on or off/],
      [{ label: ['=x'] }, /--label/],
      [{ 'delete-volume': true }, /--delete-volume goes with --detach-disk/],
    ];
    for (const [flags, message] of cases) {
      expect(() => settingsChanges(flags, {}), JSON.stringify(flags)).toThrow(message);
    }
  });

  it('names that look like options reach the contract, which refuses them', () => {
    const changes = settingsChanges({ 'add-disk': ['--pool=x:1G'], 'add-nic': ['--network=y'] }, {});
    const r = VmSettingsInput.safeParse({ vmId: VM, changes });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message)).toEqual([
      'Pool name may not start with "-"',
      'Network name may not start with "-"',
    ]);
  });
});
