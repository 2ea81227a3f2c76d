import { describe, expect, it } from 'vitest';
import { connectionChanged, connectionOf, EMPTY_DRAFT, keyAddress, type HostDraft } from './draft';

const ssh: HostDraft = {
  ...EMPTY_DRAFT,
  name: 'old',
  address: '10.0.0.9',
  port: '2222',
  keyFile: 'qhci-file:x',
};

describe('the host draft', () => {
  it('sends SHA-1 agreement only when given, and counts it as a change of connection', () => {
    expect(connectionOf(ssh)).not.toHaveProperty('allowSha1');
    const agreed = { ...ssh, allowSha1: true };
    expect(connectionOf(agreed)).toMatchObject({ kind: 'ssh', allowSha1: true });
    expect(connectionChanged(ssh, agreed)).toBe(true);
    // The key probe reads the key with the same offer the connection will make.
    expect(keyAddress(agreed)).toEqual({ address: '10.0.0.9', port: 2222, allowSha1: true });
    expect(keyAddress(ssh)).toEqual({ address: '10.0.0.9', port: 2222 });
  });

  it('finds the SSH server of a libvirt URI over ssh, and none for a local one', () => {
    const lib = { ...EMPTY_DRAFT, kind: 'libvirt' as const };
    expect(keyAddress({ ...lib, uri: 'qemu+ssh://root@kvm1.example.com/system' })).toEqual({
      address: 'kvm1.example.com',
      port: 22,
    });
    expect(keyAddress({ ...lib, uri: 'qemu+libssh://root@10.0.0.1:2200/system' })).toEqual({
      address: '10.0.0.1',
      port: 2200,
    });
    expect(keyAddress({ ...lib, uri: 'qemu:///system' })).toBeNull();
    expect(keyAddress({ ...lib, uri: 'qemu+ext:///system?command=/x' })).toBeNull();
  });
});
