import { describe, expect, it } from 'vitest';
import { checkMetaData, checkNetworkConfig, checkUserData } from './cloud-config';

describe('cloud-init documents', () => {
  it('user-data is empty, #cloud-config YAML or a #! script', () => {
    expect(checkUserData('')).toEqual({ ok: true });
    expect(checkUserData('#cloud-config\npackages: [htop]\n')).toEqual({ ok: true });
    expect(checkUserData('#!/bin/sh\necho hi\n')).toEqual({ ok: true });
    expect(checkUserData('packages: [htop]')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('#cloud-config'),
    });
    expect(checkUserData('#cloud-config\npackages: [htop\n')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('not valid YAML'),
    });
    expect(checkUserData('#cloud-config\n- a\n- b\n')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('mapping'),
    });
    expect(checkUserData('#cloud-configX\na: 1\n')).toMatchObject({ ok: false });
  });

  it('refuses duplicate keys and alias bombs', () => {
    expect(checkUserData('#cloud-config\na: 1\na: 2\n').ok).toBe(false);
    const bomb = [
      '#cloud-config',
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    ].join('\n');
    expect(checkUserData(bomb).ok).toBe(false);
  });

  it('network-config declares version 1 or 2', () => {
    expect(checkNetworkConfig('')).toEqual({ ok: true });
    expect(checkNetworkConfig('version: 2\nethernets:\n  eth0:\n    dhcp4: true\n')).toEqual({ ok: true });
    expect(checkNetworkConfig('network:\n  version: 1\n  config: []\n')).toEqual({ ok: true });
    expect(checkNetworkConfig('version: 3\n')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('version: 1'),
    });
    expect(checkNetworkConfig('ethernets: {}\n')).toMatchObject({ ok: false });
  });

  it('meta-data is empty or a mapping', () => {
    expect(checkMetaData('instance-id: i-1\n')).toEqual({ ok: true });
    expect(checkMetaData('just text')).toMatchObject({ ok: false });
  });
});
