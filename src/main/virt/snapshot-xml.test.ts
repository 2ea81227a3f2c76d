import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../tests/helpers/app';
import {
  buildSnapshotXml,
  domainUsesPflash,
  flattenTree,
  hostHasExternalSnapshots,
  parseSnapshotXml,
  snapshotDiskSources,
  snapshotFiles,
  snapshotTree,
} from './snapshot-xml';
import { parseXml } from './xml';

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'tests/fixtures/virsh', name), 'utf8');
/** Apart from the domain goldens, whose test owns their folder. */
const GOLDEN = join(__dirname, 'golden', 'snapshot');
const golden = (name: string) => readFileSync(join(GOLDEN, name), 'utf8');

describe('snapshot XML', () => {
  it('builds an internal snapshot with memory, leaving the CD-ROM out (golden)', () => {
    const xml = buildSnapshotXml({
      name: 'before <upgrade> & "after"',
      description: 'kernel 6.1',
      mode: 'internal',
      memory: true,
      disks: [{ target: 'vda' }, { target: 'vdb' }],
      excluded: ['sda'],
    });
    expect(xml).toBe(golden('internal-memory.xml'));
    // Free text is escaped: the document parses back to the same name.
    expect(parseSnapshotXml(xml).name).toBe('before <upgrade> & "after"');
  });

  it('builds an external disk-only snapshot with an overlay per disk (golden)', () => {
    const xml = buildSnapshotXml({
      name: 'ext1',
      mode: 'external',
      memory: false,
      disks: [{ target: 'vda', overlay: '/var/lib/libvirt/images/web.qcow2.ext1' }],
    });
    expect(xml).toBe(golden('external-disk.xml'));
  });

  it('an external memory snapshot names its memory file; without one it is refused', () => {
    const plan = {
      name: 'm',
      mode: 'external' as const,
      memory: true,
      disks: [{ target: 'vda', overlay: '/i/web.qcow2.m' }],
    };
    expect(() => buildSnapshotXml(plan)).toThrow(/memory file/);
    const xml = buildSnapshotXml({ ...plan, memoryFile: '/i/web.m.mem' });
    expect(parseXml(xml)).toMatchObject({
      domainsnapshot: { memory: { '@snapshot': 'external', '@file': '/i/web.m.mem' } },
    });
    expect(() => buildSnapshotXml({ ...plan, memoryFile: 'x', disks: [{ target: 'vda' }] })).toThrow(
      /overlay/,
    );
    expect(() => buildSnapshotXml({ ...plan, disks: [] })).toThrow(/at least one disk/);
  });

  it('reads snapshot-dumpxml: name, parent, time, state, memory and mode', () => {
    expect(parseSnapshotXml(fixture('snapshot-running.xml'))).toEqual({
      name: 'before & after',
      description: 'first <try>',
      parent: 'base',
      createdAt: new Date(1796663605 * 1000).toISOString(),
      state: 'running',
      memory: true,
      mode: 'internal',
    });
    expect(parseSnapshotXml(fixture('snapshot-external.xml'))).toMatchObject({
      name: 'ext1',
      parent: null,
      state: 'disk-snapshot',
      memory: false,
      mode: 'external',
    });
    expect(() => parseSnapshotXml('<domain/>')).toThrow(/Not a domain snapshot/);
    // The files an external snapshot made (what deleting its VM removes); none for an internal one.
    expect(snapshotFiles(fixture('snapshot-external.xml'))).toEqual([
      '/var/lib/libvirt/images/web.qcow2.ext1',
    ]);
    expect(snapshotFiles(fixture('snapshot-running.xml'))).toEqual([]);
    expect(snapshotDiskSources(fixture('snapshot-external.xml'))).toEqual([
      '/var/lib/libvirt/images/web.qcow2',
    ]);
  });

  it('lists snapshots as a tree, oldest first, the current one marked, orphans as roots', () => {
    const s = (name: string, parent: string | null, t: number) => ({
      name,
      parent,
      description: '',
      createdAt: new Date(t * 1000).toISOString(),
      state: 'shutoff',
      memory: false,
      mode: 'internal' as const,
    });
    const tree = snapshotTree(
      'vm1',
      [s('c', 'a', 3), s('b', 'a', 2), s('a', null, 1), s('lost', 'gone', 4), s('d', 'b', 5)],
      'd',
    );
    expect(tree.count).toBe(5);
    expect(tree.current).toBe('d');
    expect(tree.roots.map((r) => r.name)).toEqual(['a', 'lost']);
    expect(tree.roots[0]!.children.map((c) => c.name)).toEqual(['b', 'c']);
    expect(flattenTree(tree.roots).map((n) => `${n.name}${n.current ? '*' : ''}`)).toEqual([
      'a',
      'b',
      'd*',
      'c',
      'lost',
    ]);
    expect(snapshotTree('vm1', [], 'x')).toEqual({ vmId: 'vm1', roots: [], count: 0, current: null });
  });

  it('knows external snapshot support from the capabilities, and UEFI pflash from the domain', () => {
    const caps = (features: string) =>
      `<capabilities><host/><guest><os_type>hvm</os_type><features>${features}</features></guest></capabilities>`;
    expect(hostHasExternalSnapshots(caps('<acpi/><externalSnapshot/>'))).toBe(true);
    expect(hostHasExternalSnapshots(caps('<acpi/><disksnapshot default="on" toggle="no"/>'))).toBe(false);
    expect(
      domainUsesPflash(
        "<domain><os><type>hvm</type><loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader><nvram>/n</nvram></os></domain>",
      ),
    ).toBe(true);
    expect(domainUsesPflash("<domain><os firmware='efi'><type>hvm</type></os></domain>")).toBe(true);
    expect(domainUsesPflash('<domain><os><type>hvm</type></os></domain>')).toBe(false);
  });

  // virt-xml-validate (libvirt-clients) is a shell script around xmllint (libxml2-utils).
  const onPath = (bin: string) => ['/usr/bin', '/usr/local/bin'].map((d) => join(d, bin)).find(existsSync);
  const validator = onPath('xmllint') ? onPath('virt-xml-validate') : undefined;
  it.skipIf(!validator).each(readdirSync(GOLDEN))(
    `%s is valid against libvirt's domainsnapshot schema${validator ? '' : ' (skipped: needs virt-xml-validate)'}`,
    (file) => {
      const run = spawnSync(validator!, [join(GOLDEN, file), 'domainsnapshot'], { encoding: 'utf8' });
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    },
  );
});
