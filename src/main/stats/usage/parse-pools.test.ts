import { describe, expect, it } from 'vitest';
import { parsePools } from './parse-pools';

describe('parsePools', () => {
  it('reads what virsh 9 prints for a qemu host and a test-driver host', () => {
    const qemu = [
      ' Name           State     Autostart   Persistent   Capacity     Allocation   Available',
      '-----------------------------------------------------------------------------------------',
      ' qhci-testbed   running   no          yes          251.97 GiB   28.19 GiB    223.78 GiB',
      ' default        running   yes         yes          1.50 TiB     0.00 B       1.50 TiB',
      '',
    ].join('\n');
    expect(parsePools(qemu)).toEqual([
      {
        name: 'qhci-testbed',
        capacityBytes: Math.round(251.97 * 2 ** 30),
        allocationBytes: Math.round(28.19 * 2 ** 30),
      },
      { name: 'default', capacityBytes: Math.round(1.5 * 2 ** 40), allocationBytes: 0 },
    ]);
  });

  it('keeps a name with spaces, reads the older "bytes" unit, leaves out sizes it cannot know', () => {
    const text = [
      ' Name        State      Autostart   Persistent   Capacity    Allocation   Available',
      '-------------------------------------------------------------------------------------',
      ' my pool     running    no          yes          512.00 MiB  1.00 KiB     511.99 MiB',
      ' old         running    no          yes          10.00 bytes 3.00 bytes   7.00 bytes',
      ' stopped     inactive   no          yes          -           -            -',
      ' odd         running    no          yes          1.00 QiB    1.00 QiB     1.00 QiB',
    ].join('\n');
    expect(parsePools(text)).toEqual([
      { name: 'my pool', capacityBytes: 512 * 2 ** 20, allocationBytes: 1024 },
      { name: 'old', capacityBytes: 10, allocationBytes: 3 },
    ]);
  });

  it('an empty list is no pools', () => {
    expect(
      parsePools(' Name   State   Autostart   Persistent   Capacity   Allocation   Available\n----------\n'),
    ).toEqual([]);
  });
});
