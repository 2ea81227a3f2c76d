import { describe, expect, it } from 'vitest';
import type { UsageSample, VmUsageNow } from '../shared/domain/usage';
import { topRows, topText, type TopNames } from './top-view';

const vm = (vmId: string, cpuPercent: number | null, memoryBytes: number | null): VmUsageNow => ({
  vmId,
  cpuPercent,
  memoryBytes,
  diskReadBps: 1536,
  diskWriteBps: null,
  netRxBps: 0,
  netTxBps: 2 * 1024 * 1024,
});

const samples: UsageSample[] = [
  {
    hostId: 'h1',
    at: 0,
    host: { cpuPercent: 12.5, memUsedBytes: 2 * 1024 ** 3, memTotalBytes: 8 * 1024 ** 3 },
    vms: [vm('a', 5, 4 * 1024 ** 2), vm('b', null, null), vm('c', 80, 1024 ** 2)],
  },
  { hostId: 'h2', at: 0, error: 'connection refused', vms: [] },
];
const names: TopNames = {
  hosts: new Map([
    ['h1', 'kvm-a'],
    ['h2', 'gone'],
  ]),
  vms: new Map([
    ['a', { name: 'web', state: 'running' }],
    ['b', { name: 'db', state: 'shutoff' }],
    ['c', { name: 'batch', state: 'running' }],
  ]),
};

describe('qhci top view', () => {
  it('sorts by CPU or memory, largest first and unknown last, or by name', () => {
    expect(topRows(samples, names, 'cpu').map((r) => r.vm)).toEqual(['batch', 'web', 'db']);
    expect(topRows(samples, names, 'memory').map((r) => r.vm)).toEqual(['web', 'batch', 'db']);
    expect(topRows(samples, names, 'name').map((r) => r.vm)).toEqual(['batch', 'db', 'web']);
  });

  it('shows each host, a failing one with its reason, and rates per second', () => {
    const text = topText(samples, names, 'cpu', { at: new Date(Date.UTC(2026, 0, 1, 10, 0, 5)) });
    const lines = text.split('\n');
    expect(lines[0]).toBe('qhci top - 10:00:05 UTC, sorted by cpu');
    expect(lines[1]).toBe('kvm-a: CPU 12.5 %, memory 2 GiB / 8 GiB, 3 VMs');
    expect(lines[2]).toBe('gone: not answering: connection refused');
    expect(lines[4]).toMatch(/^HOST\s+VM\s+STATE\s+CPU%\s+MEMORY\s+DISK RD\s+DISK WR\s+NET RX\s+NET TX$/);
    expect(lines[5]!.split(/\s{2,}/)).toEqual([
      'kvm-a',
      'batch',
      'running',
      '80.0',
      '1 MiB',
      '1.5 KiB/s',
      '-',
      '0 B/s',
      '2 MiB/s',
    ]);
    expect(lines[7]!.split(/\s{2,}/).slice(0, 5)).toEqual(['kvm-a', 'db', 'shutoff', '-', '-']);
  });

  it('cuts the table to the rows a terminal has and says how many more', () => {
    const text = topText(samples, names, 'cpu', { at: new Date(0), maxRows: 1 });
    expect(text).toContain('batch');
    expect(text).not.toContain('web');
    expect(text.split('\n').at(-1)).toBe('… 2 more');
  });
});
