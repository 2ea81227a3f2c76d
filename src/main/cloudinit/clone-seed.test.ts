import { describe, expect, it } from 'vitest';
import { cloneSeed, hostnameOf, NEW_MACHINE_ID } from './clone-seed';
import { parseCloudYaml } from './yaml11';

describe("a clone's seed", () => {
  it('has a new instance-id and the hostname from the clone name', () => {
    const s = cloneSeed('Web_2.prod', 'f0e1d2c3-0000-4000-8000-000000000001');
    expect(parseCloudYaml(s.metaData)).toEqual({
      'instance-id': 'f0e1d2c3-0000-4000-8000-000000000001',
      'local-hostname': 'web-2-prod',
    });
    expect(s.userData.startsWith('#cloud-config\n')).toBe(true);
    expect(parseCloudYaml(s.userData)).toEqual({
      hostname: 'web-2-prod',
      preserve_hostname: false,
      bootcmd: [NEW_MACHINE_ID],
    });
    expect(s.networkConfig).toBeNull();
  });

  it('makes a valid hostname from any VM name', () => {
    expect(hostnameOf('a'.repeat(63))).toBe('a'.repeat(63));
    expect(hostnameOf('-_.')).toBe('clone');
    expect(hostnameOf(`${'b'.repeat(62)}_x`)).toBe('b'.repeat(62));
  });
});
