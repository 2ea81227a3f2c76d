import { describe, expect, it } from 'vitest';
import { DEFAULT_HOST_POLICY, HostPolicyInput, HostUpdateInput, hostPolicyOf, mergeHostPolicy } from './host';

const ID = '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70';

describe('host policy', () => {
  it('a change keeps every key it leaves out', () => {
    const current = hostPolicyOf({ reserve: { cpus: 2, memoryBytes: 1024 }, reserveStoppedVms: true });
    expect(mergeHostPolicy(current, { reserve: { memoryBytes: 4096 }, overcommit: { cpu: 2 } })).toEqual({
      reserve: { cpus: 2, memoryBytes: 4096 },
      overcommit: { cpu: 2, memory: DEFAULT_HOST_POLICY.overcommit.memory },
      reserveStoppedVms: true,
      accelerator: 'auto',
    });
    expect(mergeHostPolicy(current, {})).toEqual(current);
    expect(mergeHostPolicy(current, { accelerator: 'tcg' })).toEqual({ ...current, accelerator: 'tcg' });
  });

  it('refuses values out of bounds, naming the field', () => {
    const bad = (policy: unknown) => {
      const r = HostUpdateInput.safeParse({ id: ID, policy });
      return r.success
        ? null
        : { path: r.error.issues[0]!.path.join('.'), message: r.error.issues[0]!.message };
    };
    expect(bad({ overcommit: { cpu: 0.05 } })).toEqual({
      path: 'policy.overcommit.cpu',
      message: 'CPU overcommit must be between 0.1 and 32',
    });
    expect(bad({ overcommit: { cpu: 33 } })?.path).toBe('policy.overcommit.cpu');
    expect(bad({ overcommit: { memory: 0.4 } })?.message).toBe('Memory overcommit must be between 0.5 and 4');
    expect(bad({ overcommit: { memory: 4.5 } })?.path).toBe('policy.overcommit.memory');
    expect(bad({ reserve: { cpus: -1 } })?.path).toBe('policy.reserve.cpus');
    expect(bad({ reserve: { cpus: 1.5 } })?.message).toBe('Reserved CPUs must be a whole number');
    expect(bad({ reserve: { memoryBytes: 'lots' } })?.path).toBe('policy.reserve.memoryBytes');
    expect(bad({ reserveStoppedVms: 'yes' })?.path).toBe('policy.reserveStoppedVms');
    expect(bad({ accelerator: 'fast' })).toEqual({
      path: 'policy.accelerator',
      message: 'Accelerator must be auto, kvm or tcg',
    });
    expect(bad({ maintenance: true })?.path).toBe('policy');
    expect(bad({ overcommit: { cpu: 0.1, memory: 4 }, reserve: { cpus: 0 } })).toBeNull();
    expect(HostPolicyInput.safeParse({}).success).toBe(true);
  });

  it('a stored policy gets the defaults for missing or invalid keys', () => {
    expect(hostPolicyOf({})).toEqual(DEFAULT_HOST_POLICY);
    expect(hostPolicyOf(null)).toEqual(DEFAULT_HOST_POLICY);
    expect(hostPolicyOf({ reserve: 'x', overcommit: { cpu: 8, memory: -1 } })).toEqual({
      ...DEFAULT_HOST_POLICY,
      overcommit: { cpu: 8, memory: DEFAULT_HOST_POLICY.overcommit.memory },
    });
    expect(hostPolicyOf({ accelerator: 'warp' }).accelerator).toBe('auto');
    expect(hostPolicyOf({ accelerator: 'tcg' }).accelerator).toBe('tcg');
  });
});
