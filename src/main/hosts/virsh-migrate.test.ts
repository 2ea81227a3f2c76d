import { describe, expect, it } from 'vitest';
import { libvirtSocketOf } from './migration-endpoint';
import { lastPercent, migrateArgs } from './virsh-migrate';

const ep = (uri: string, address: string) => ({ uri, address, close: () => undefined });
const UUID = '2b9f4c1e-1111-4222-8333-444455556666';

describe('migration through this workstation', () => {
  it('finds the libvirt socket of qemu:///system, its own ?socket= only when absolute', () => {
    expect(libvirtSocketOf('qemu:///system')).toBe('/var/run/libvirt/libvirt-sock');
    expect(libvirtSocketOf('qemu:///system?socket=/run/x/libvirt-sock')).toBe('/run/x/libvirt-sock');
    expect(libvirtSocketOf('qemu:///system?socket=rel')).toBeNull();
    expect(libvirtSocketOf('qemu:///session')).toBeNull();
    expect(libvirtSocketOf('qemu+ssh://h/system')).toBeNull();
  });

  it('names the domain by UUID only, after its option, and brackets an IPv6 address', () => {
    const args = migrateArgs(
      ep('qemu+unix:///system?socket=/a', '10.0.0.1'),
      ep('qemu+unix:///system?socket=/b', 'fd00::5'),
      UUID,
    );
    expect(args.slice(args.indexOf('--domain'), args.indexOf('--domain') + 2)).toEqual(['--domain', UUID]);
    expect(args.at(-1)).toBe('tcp://[fd00::5]');
    expect(args).toContain('--copy-storage-inc');
    expect(() => migrateArgs(ep('a', 'b'), ep('c', 'd'), '--domain=other')).toThrow(/Not a domain UUID/);
  });

  it("reads virsh's last progress figure", () => {
    expect(lastPercent('Migration: [  0 %]\rMigration: [ 45 %]')).toBe(0.45);
    expect(lastPercent('Migration: [100 %]')).toBe(1);
    expect(lastPercent('nothing')).toBeNull();
  });
});
