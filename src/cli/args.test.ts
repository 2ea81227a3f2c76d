import { describe, expect, it } from 'vitest';
import { fmtFree, normalizeOptionalValues, parseDisk, parseLabels, parseNic, parseSize } from './args';

describe('the vm create flags', () => {
  it('reads sizes with binary K/M/G/T suffixes, and plain numbers as bytes', () => {
    expect(parseSize('128M', '--memory')).toBe(128 * 1024 ** 2);
    expect(parseSize('2G', '--memory')).toBe(2 * 1024 ** 3);
    expect(parseSize('1.5GiB', '--memory')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('1t', '--disk')).toBe(1024 ** 4);
    expect(parseSize('4096', '--disk')).toBe(4096);
    expect(() => parseSize('12Q', '--memory')).toThrow('--memory: "12Q" is not a size');
    expect(() => parseSize('0', '--memory')).toThrow('not a positive size');
  });

  it('reads new and existing disks', () => {
    expect(parseDisk('20G')).toEqual({ kind: 'new', thin: true, sizeBytes: 20 * 1024 ** 3 });
    expect(parseDisk('20G:fast')).toEqual({
      kind: 'new',
      thin: true,
      sizeBytes: 20 * 1024 ** 3,
      pool: 'fast',
    });
    expect(parseDisk('1G:fast:thick')).toMatchObject({ thin: false, pool: 'fast' });
    expect(parseDisk('1G:thick')).toEqual({ kind: 'new', thin: false, sizeBytes: 1024 ** 3 });
    expect(parseDisk('auto:fast')).toEqual({ kind: 'new', thin: true, pool: 'fast' });
    expect(parseDisk('existing:default/data.qcow2')).toEqual({
      kind: 'existing',
      pool: 'default',
      volume: 'data.qcow2',
    });
    expect(() => parseDisk('existing:novolume')).toThrow('existing:POOL/VOLUME');
    expect(() => parseDisk('1G:a:b:thick')).toThrow('SIZE[:POOL][:thick]');
  });

  it('reads NICs and labels', () => {
    expect(parseNic('default')).toEqual({ network: 'default' });
    expect(parseNic('lan:e1000e')).toEqual({ network: 'lan', model: 'e1000e' });
    expect(parseLabels(['team=ops', 'tier=web'])).toEqual({ team: 'ops', tier: 'web' });
    expect(parseLabels(undefined)).toBeUndefined();
    expect(() => parseLabels(['nokey'])).toThrow('KEY=VALUE');
  });

  it('gives --wait-ready its optional value', () => {
    expect(normalizeOptionalValues(['vm', 'create', 'a', '--wait-ready', '300'])).toEqual([
      'vm',
      'create',
      'a',
      '--wait-ready=300',
    ]);
    expect(normalizeOptionalValues(['--wait-ready', 'web'])).toEqual(['--wait-ready=', 'web']);
    expect(normalizeOptionalValues(['--wait-ready'])).toEqual(['--wait-ready=']);
  });

  it('reads --memory as a size before a number, and as the snapshot flag otherwise', () => {
    expect(normalizeOptionalValues(['vm', 'create', 'a', '--memory', '2G'])).toEqual([
      'vm',
      'create',
      'a',
      '--memory=2G',
    ]);
    expect(normalizeOptionalValues(['--memory', '--name', 's1'])).toEqual(['--memory=', '--name', 's1']);
    expect(normalizeOptionalValues(['--memory', 'web'])).toEqual(['--memory=', 'web']);
    expect(normalizeOptionalValues(['--memory=512M'])).toEqual(['--memory=512M']);
    expect(normalizeOptionalValues(['--memory'])).toEqual(['--memory=']);
  });
});

describe('free capacity in tables', () => {
  it('never prints a negative number: an over-committed host has none free, and says by how much', () => {
    expect(fmtFree(-23495184384, 'bytes')).toBe('none (21.9 GiB over)');
    expect(fmtFree(-3, 'count')).toBe('none (3 over)');
    expect(fmtFree(2 * 1024 ** 3, 'bytes')).toBe('2 GiB');
    expect(fmtFree(null, 'count')).toBe('-');
  });
});
