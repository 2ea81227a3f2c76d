import { describe, expect, it } from 'vitest';
import { MiB } from '../../../shared/domain/provision';
import { liveActionArgs } from './live-args';

describe('the virsh arguments of a live action', () => {
  it('put every value after its option', () => {
    expect(liveActionArgs('u-1', { kind: 'setvcpus', count: 3 })).toEqual([
      'setvcpus',
      '--domain',
      'u-1',
      '--count',
      '3',
      '--live',
    ]);
    expect(liveActionArgs('u-1', { kind: 'setmem', kib: 1024 })).toEqual([
      'setmem',
      '--domain',
      'u-1',
      '--size',
      '1024KiB',
      '--live',
    ]);
    expect(liveActionArgs('u-1', { kind: 'blockresize', target: 'vda', bytes: MiB })).toEqual([
      'blockresize',
      '--domain',
      'u-1',
      '--path',
      'vda',
      '--size',
      `${MiB}B`,
    ]);
    expect(
      liveActionArgs('u-1', { kind: 'change-media', target: 'sda', path: '-x.iso', insert: true }),
    ).toEqual([
      'change-media',
      '--domain',
      'u-1',
      '--path',
      'sda',
      '--source',
      '-x.iso',
      '--insert',
      '--live',
    ]);
    expect(liveActionArgs('u-1', { kind: 'attach-device', xml: '<disk/>' }, '/tmp/d.xml')).toEqual([
      'attach-device',
      '--domain',
      'u-1',
      '--file',
      '/tmp/d.xml',
      '--live',
    ]);
    expect(() => liveActionArgs('u-1', { kind: 'detach-device', xml: '<disk/>' })).toThrow(/needs the file/);
  });
});

// ---- properties ----
