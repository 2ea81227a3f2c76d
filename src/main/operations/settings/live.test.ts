import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MiB } from '../../../shared/domain/provision';
import { type changes, plan, POOL, settingsFixture } from '../../virt/settings/testing';
import { LiveActionRecord } from './context';
import { inverseOf } from './live';

const DIR = join(__dirname, '../../virt/golden/settings');
const INACTIVE = readFileSync(join(DIR, 'running-inactive.xml'), 'utf8');
const LIVE = readFileSync(join(DIR, 'running-live.xml'), 'utf8');
const { running } = settingsFixture(INACTIVE, LIVE);

const liveOf = (list: Parameters<typeof changes>[0]) => plan(running(), list).changes.flatMap((c) => c.live);

describe('the inverse of a live action', () => {
  it('puts back the running VM as its live XML was', () => {
    const [setvcpus, setmem, attach, media, desc] = liveOf([
      { kind: 'vcpus', current: 2 },
      { kind: 'memory', currentBytes: 128 * MiB },
      { kind: 'disk-add-new', pool: POOL, sizeBytes: 16 * MiB },
      { kind: 'cdrom-eject', target: 'sda' },
      { kind: 'description', text: 'new' },
    ]);
    expect(inverseOf(setvcpus!, LIVE)).toEqual({ kind: 'setvcpus', count: 1 });
    expect(inverseOf(setmem!, LIVE)).toEqual({ kind: 'setmem', kib: 262144 });
    expect(inverseOf(attach!, LIVE)).toEqual({ kind: 'detach-device', xml: (attach as { xml: string }).xml });
    expect(inverseOf(media!, LIVE)).toEqual({
      kind: 'change-media',
      target: 'sda',
      path: '/var/lib/libvirt/images/qhci-testbed/qhci-t-set-golden-install.iso',
      insert: true,
    });
    expect(inverseOf(desc!, LIVE)).toEqual({ kind: 'description', text: '' });
  });

  it('a detached device comes back without its QEMU alias; a grown disk has no inverse', () => {
    const nic = /<interface[\s\S]*?<\/interface>/.exec(LIVE)![0];
    const back = inverseOf({ kind: 'detach-device', xml: nic }, LIVE);
    expect(back?.kind).toBe('attach-device');
    expect((back as { xml: string }).xml).not.toMatch(/<alias/);
    expect((back as { xml: string }).xml).toMatch(/<mac address=/);
    expect(inverseOf({ kind: 'blockresize', target: 'vda', bytes: 32 * MiB }, LIVE)).toBeNull();
  });

  it('every inverse is an undo record the task log can read back', () => {
    const actions = liveOf([
      { kind: 'vcpus', current: 2 },
      { kind: 'memory', currentBytes: 128 * MiB },
      { kind: 'nic-add', network: 'default' },
      { kind: 'description', text: 'x' },
    ]);
    for (const a of actions) {
      const inv = inverseOf(a, LIVE);
      expect(LiveActionRecord.safeParse(inv).success, JSON.stringify(inv)).toBe(true);
    }
  });
});
