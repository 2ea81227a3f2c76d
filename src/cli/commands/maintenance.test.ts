import { describe, expect, it } from 'vitest';
import type { EvacuationPlan } from '../../shared/domain/evacuation';
import { enterQuestion, planText } from './maintenance';

const MiB = 1024 ** 2;
const plan = (over: Partial<EvacuationPlan> = {}): EvacuationPlan => ({
  hostId: 'hb',
  moves: [
    { vmId: 'v1', name: 'web', toHostId: 'ha', toHostName: 'kvm-a', score: 71.25 },
    { vmId: 'v2', name: 'db', toHostId: 'hc', toHostName: 'kvm-c', score: 50 },
    { vmId: 'v3', name: 'cache', toHostId: 'ha', toHostName: 'kvm-a', score: 64 },
  ],
  stuck: [{ vmId: 'v4', name: 'tpl', reason: 'A template stays on its host', table: [] }],
  targets: [
    { hostId: 'ha', hostName: 'kvm-a', vms: 2, vcpus: 3, memoryBytes: 1536 * MiB },
    { hostId: 'hc', hostName: 'kvm-c', vms: 1, vcpus: 2, memoryBytes: 2048 * MiB },
  ],
  ...over,
});

describe('the maintenance plan as the CLI prints it', () => {
  it('lists each VM with its destination, the totals per destination and the VMs that cannot move', () => {
    const lines = planText('kvm-b', plan()).split('\n');
    expect(lines[0]).toBe('Emptying kvm-b: 3 of 4 VM(s) can move');
    expect(lines).toContain('VM     DESTINATION  SCORE');
    expect(lines).toContain('web    kvm-a        71.3');
    expect(lines).toContain('db     kvm-c        50.0');
    expect(lines).toContain('HOST   VMS  VCPUS  MEMORY');
    expect(lines).toContain('kvm-a  2    3      1.5 GiB');
    expect(lines).toContain('kvm-c  1    2      2 GiB');
    expect(lines).toContain('Cannot move (1):');
    expect(lines).toContain('tpl  A template stays on its host');
  });

  it('says so when nothing can move, and when the host is empty', () => {
    const none = planText('kvm-b', plan({ moves: [], targets: [] }));
    expect(none.split('\n')[0]).toBe('Emptying kvm-b: none of its 1 VM(s) can move');
    expect(none).not.toContain('DESTINATION');
    expect(none).toContain('tpl  A template stays on its host');
    expect(planText('kvm-b', plan({ moves: [], stuck: [], targets: [] }))).toBe(
      'kvm-b has no VM: nothing to move.',
    );
  });

  it('asks about what will happen, the stuck VMs included only when they are to be shut down', () => {
    expect(enterQuestion('kvm-b', plan(), true)).toBe(
      'This will put kvm-b in maintenance, migrate 3 VM(s) away and shut down 1 that cannot move.',
    );
    expect(enterQuestion('kvm-b', plan({ stuck: [] }), false)).toBe(
      'This will put kvm-b in maintenance, migrate 3 VM(s) away.',
    );
  });
});
