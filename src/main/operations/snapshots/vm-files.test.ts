import { describe, expect, it } from 'vitest';
import { vmOwnFiles, type VmFilesInput } from './vm-files';

const I = '/var/lib/libvirt/images';
/** Volumes and the file each stands on. */
function host(backing: Record<string, string>): Pick<VmFilesInput, 'bases' | 'users'> {
  return {
    bases: new Set(Object.values(backing)),
    users: (p) => Object.keys(backing).filter((k) => backing[k] === p),
  };
}

describe("a VM's own files", () => {
  it('a linked clone owns its overlay, never the cloud image beneath, even as its only user', () => {
    const files = vmOwnFiles({
      ...host({ [`${I}/web.qcow2`]: `${I}/debian-cloud.qcow2` }),
      disks: [{ device: 'disk', source: `${I}/web.qcow2`, backingChain: [`${I}/debian-cloud.qcow2`] }],
      snapshots: [],
    });
    expect(files).toEqual([`${I}/web.qcow2`]);
  });

  it('with external snapshots: the overlays, the original disk and the memory file, not the base', () => {
    const files = vmOwnFiles({
      ...host({
        [`${I}/web.qcow2.s2`]: `${I}/web.qcow2.s1`,
        [`${I}/web.qcow2.s1`]: `${I}/web.qcow2`,
        [`${I}/web.qcow2`]: `${I}/debian-cloud.qcow2`,
      }),
      disks: [
        {
          device: 'disk',
          source: `${I}/web.qcow2.s2`,
          backingChain: [`${I}/web.qcow2.s1`, `${I}/web.qcow2`, `${I}/debian-cloud.qcow2`],
        },
        { device: 'cdrom', source: `${I}/web-cidata.iso`, backingChain: [] },
      ],
      snapshots: [
        { files: [`${I}/web.qcow2.s1`, `${I}/web.s1.mem`], under: [`${I}/web.qcow2`] },
        { files: [`${I}/web.qcow2.s2`], under: [`${I}/web.qcow2.s1`] },
      ],
    });
    expect(files.sort()).toEqual(
      [`${I}/web.qcow2.s2`, `${I}/web.qcow2.s1`, `${I}/web.qcow2`, `${I}/web.s1.mem`].sort(),
    );
  });

  it('an inactive domain shows no backing chain: the original disk is found through the snapshots', () => {
    const files = vmOwnFiles({
      ...host({
        [`${I}/web.qcow2.s1`]: `${I}/web.qcow2`,
        [`${I}/web.qcow2`]: `${I}/debian-cloud.qcow2`,
      }),
      disks: [{ device: 'disk', source: `${I}/web.qcow2.s1`, backingChain: [] }],
      snapshots: [{ files: [`${I}/web.qcow2.s1`], under: [`${I}/web.qcow2`] }],
    });
    expect(files.sort()).toEqual([`${I}/web.qcow2`, `${I}/web.qcow2.s1`]);
  });

  it('a file another VM stands on is kept, and so is everything beneath it', () => {
    const files = vmOwnFiles({
      ...host({
        [`${I}/web.qcow2.s1`]: `${I}/web.qcow2`,
        [`${I}/other.qcow2`]: `${I}/web.qcow2`,
      }),
      disks: [{ device: 'disk', source: `${I}/web.qcow2.s1`, backingChain: [`${I}/web.qcow2`] }],
      snapshots: [{ files: [`${I}/web.qcow2.s1`], under: [`${I}/web.qcow2`] }],
    });
    expect(files).toEqual([`${I}/web.qcow2.s1`]);
  });

  it('a disk that other disks stand on and no snapshot made is not the VM’s', () => {
    const files = vmOwnFiles({
      ...host({ [`${I}/clone.qcow2`]: `${I}/template.qcow2` }),
      disks: [{ device: 'disk', source: `${I}/template.qcow2`, backingChain: [] }],
      snapshots: [],
    });
    expect(files).toEqual([]);
  });
});
