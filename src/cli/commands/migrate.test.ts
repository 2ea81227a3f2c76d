import { describe, expect, it } from 'vitest';
import type { MigrationPreflight } from '../../shared/domain/migration';
import type { HostEvaluation } from '../../shared/domain/placement';
import { preflightText } from './migrate';

const preflight = (over: Partial<MigrationPreflight> = {}): MigrationPreflight => ({
  vmId: 'v1',
  fromHostId: 'h1',
  toHostId: 'h2',
  toHostName: 'kvm-b',
  mode: 'cold',
  transport: 'console',
  ok: true,
  checks: [
    { id: 'name', label: 'Name', status: 'ok', detail: 'kvm-b has no VM named web' },
    { id: 'cpu', label: 'CPU', status: 'warn', detail: 'lacks features' },
  ],
  copies: [],
  placement: null,
  ...over,
});

describe('the preflight as the CLI prints it', () => {
  it('heads with the way it moves, then one row per check with its status', () => {
    const text = preflightText('web', 'kvm-a', preflight());
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      "Migrate web from kvm-a to kvm-b: cold (disks travel through this console's connections, checksum-verified)",
    );
    expect(lines).toContain('STATUS  CHECK  DETAIL');
    expect(lines).toContain('ok      Name   kvm-b has no VM named web');
    expect(lines).toContain('WARN    CPU    lacks features');
    expect(text).toContain('Nothing to copy to kvm-b before the move.');
  });

  it('lists the copies with their sizes, and why the scheduler refuses the host', () => {
    const placement = {
      hostId: 'h2',
      hostName: 'kvm-b',
      feasible: false,
      reasons: ['Insufficient memory', 'Node does not have required storage pool'],
    } as unknown as HostEvaluation;
    const text = preflightText(
      'web',
      'kvm-a',
      preflight({
        mode: 'live',
        transport: 'direct',
        ok: false,
        checks: [{ id: 'file:/b', label: 'Base image', status: 'todo', detail: 'copied first' }],
        copies: [{ path: '/pool/base.qcow2', bytes: 3 * 1024 ** 2, what: 'base' }],
        placement,
      }),
    );
    expect(text).toContain('Migrate web from kvm-a to kvm-b: live (disks travel host to host)');
    expect(text).toMatch(/^todo\s+Base image\s+copied first$/m);
    expect(text).toMatch(/^base\s+3 MiB\s+\/pool\/base\.qcow2$/m);
    expect(text).toContain(
      'The scheduler: kvm-b does not fit: Insufficient memory; Node does not have required storage pool',
    );
  });
});
