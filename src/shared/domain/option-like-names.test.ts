/** Names that virsh could read as options ("-" first) are refused wherever the contract takes a new name. */
import { describe, expect, it } from 'vitest';
import { fieldErrors } from './names';
import { NetworkName, PoolName } from './placement';
import { DiskSpec, ImageUploadInput, NicSpec, VmName, VolumeName } from './provision';

const HOST = '00000000-0000-4000-8000-0000000000aa';
const OPTION_LIKE = ['--vol=base.qcow2', '-x', '--', ' --pool=p'];

describe('names that start with "-"', () => {
  it.each(OPTION_LIKE)('refuses %j as a volume, pool, network or VM name', (name) => {
    expect(VolumeName.safeParse(name).error?.issues[0]?.message).toBe('Volume name may not start with "-"');
    expect(PoolName.safeParse(name).error?.issues[0]?.message).toBe('Pool name may not start with "-"');
    expect(NetworkName.safeParse(name).error?.issues[0]?.message).toBe('Network name may not start with "-"');
    expect(VmName.safeParse(name).success).toBe(false);
  });

  it('refuses them on the field where they were typed', () => {
    const upload = ImageUploadInput.safeParse({
      hostId: HOST,
      pool: 'p',
      sourcePath: '/a.img',
      name: '--vol=b',
    });
    expect(fieldErrors(upload.error!.issues)).toEqual({ name: 'Volume name may not start with "-"' });
    const pool = ImageUploadInput.safeParse({ hostId: HOST, pool: '--pool=x', sourcePath: '/a.img' });
    expect(fieldErrors(pool.error!.issues)).toEqual({ pool: 'Pool name may not start with "-"' });
    const disk = DiskSpec.safeParse({ kind: 'existing', pool: 'p', volume: '--vol=base' });
    expect(fieldErrors(disk.error!.issues)).toEqual({ volume: 'Volume name may not start with "-"' });
    const nic = NicSpec.safeParse({ network: '--network=x' });
    expect(fieldErrors(nic.error!.issues)).toEqual({ network: 'Network name may not start with "-"' });
  });

  it('still accepts "-" inside a name', () => {
    for (const n of ['base-image.qcow2', 'a--vol=x', 'web-1']) {
      expect(VolumeName.safeParse(n).success).toBe(true);
      expect(PoolName.safeParse(n).success).toBe(true);
      expect(NetworkName.safeParse(n).success).toBe(true);
    }
  });
});
