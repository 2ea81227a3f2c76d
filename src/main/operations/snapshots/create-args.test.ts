import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildSnapshotXml, type SnapshotXmlPlan } from '../../virt/snapshot-xml';
import { parseXml } from '../../virt/xml';
import { snapshotCreateArgs } from './create-args';

/** The document virsh builds from the arguments (`--print-xml`, on libvirt's test driver), or null. */
function virshDocument(args: readonly string[]): string | null {
  const withTestDomain = args.map((a, i) => (args[i - 1] === '--domain' ? 'test' : a));
  const r = spawnSync('virsh', ['-c', 'test:///default', ...withTestDomain, '--print-xml'], {
    encoding: 'utf8',
  });
  if (r.error) return null; // no virsh on this machine
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

const PLANS: Record<string, SnapshotXmlPlan> = {
  'internal with memory, a CD-ROM left out, free text': {
    name: 'before <upgrade> & "after", then',
    description: '- kernel 6.1,\n  then <x> & y\tz',
    mode: 'internal',
    memory: true,
    disks: [{ target: 'vda' }, { target: 'vdb' }],
    excluded: ['sda'],
  },
  'internal, disks only': { name: 'base', mode: 'internal', memory: false, disks: [{ target: 'vda' }] },
  'external, disks only': {
    name: 'ext1',
    mode: 'external',
    memory: false,
    disks: [
      { target: 'vda', overlay: '/var/lib/libvirt/images/web,1.qcow2.ext1' },
      { target: 'vdb', overlay: '/var/lib/libvirt/images/web=2 data.qcow2.ext1' },
    ],
  },
  'external with a memory file': {
    name: 'm',
    mode: 'external',
    memory: true,
    memoryFile: '/i/web,x.m.mem',
    disks: [{ target: 'vda', overlay: '/i/web.qcow2.m' }],
    excluded: ['hdc'],
  },
};

const haveVirsh = virshDocument(snapshotCreateArgs('x', PLANS['internal, disks only']!)) !== null;

describe('snapshot-create-as arguments', () => {
  it.skipIf(!haveVirsh).each(Object.keys(PLANS))(
    'ask virsh for the document buildSnapshotXml writes: %s',
    (which) => {
      const plan = PLANS[which]!;
      const args = snapshotCreateArgs('6f1c6b7e-0000-4000-8000-000000000001', plan);
      expect(parseXml(virshDocument(args)!)).toEqual(parseXml(buildSnapshotXml(plan)));
    },
  );

  it('name the domain and the snapshot only as option values, atomically', () => {
    const args = snapshotCreateArgs('6f1c6b7e-0000-4000-8000-000000000001', PLANS['internal, disks only']!);
    expect(args).toEqual([
      'snapshot-create-as',
      '--domain',
      '6f1c6b7e-0000-4000-8000-000000000001',
      '--name',
      'base',
      '--memspec',
      'snapshot=no',
      '--diskspec',
      'vda,snapshot=internal',
      '--atomic',
    ]);
  });

  it('refuse what buildSnapshotXml refuses', () => {
    const ext = PLANS['external with a memory file']!;
    expect(() => snapshotCreateArgs('u', { ...ext, memoryFile: undefined })).toThrow(/memory file/);
    expect(() => snapshotCreateArgs('u', { ...ext, disks: [{ target: 'vda' }] })).toThrow(/overlay/);
    expect(() => snapshotCreateArgs('u', { ...ext, disks: [] })).toThrow(/at least one disk/);
  });
});
