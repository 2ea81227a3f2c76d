import { describe, expect, it } from 'vitest';
import { GiB } from '../draft';
import { facts, HOST_A, HOST_B, noHost, row } from '../testing';
import { initStep, memoryBytes, validateStep } from './compute';

describe('compute', () => {
  it('defaults to one vCPU and 1 GiB, valid when a host has room', () => {
    expect(validateStep(initStep(), facts())).toMatchObject({
      ok: true,
      value: { sockets: 1, cores: 1, memoryBytes: GiB },
    });
  });

  it('reads custom memory in GiB, to whole MiB', () => {
    expect(memoryBytes('1.5')).toBe(1.5 * GiB);
    expect(memoryBytes('0')).toBeNull();
    expect(memoryBytes('lots')).toBeNull();
  });

  it('shows the schema limits on their fields', () => {
    const r = validateStep({ ...initStep(), sockets: '17', cores: 'x', memoryGiB: '0.03' }, facts());
    expect(r.errors).toMatchObject({
      sockets: 'At most 16 sockets',
      cores: 'Cores must be a whole number',
      memory: 'Memory must be at least 64 MiB',
    });
  });

  it('blocks memory no host has room for, with each host`s reason on the memory field', () => {
    const need = 'Insufficient resources: memory (needs 4 TiB, ';
    const outcome = noHost([
      row(HOST_A, 'kvm-a', ['cpu-memory'], [`${need}6 GiB of 8 GiB free)`]),
      row(HOST_B, 'sim-b', ['cpu-memory'], [`${need}15 GiB of 16 GiB free)`]),
    ]);
    const r = validateStep(
      { ...initStep(), memoryGiB: '4096', memoryCustom: true },
      facts({ placement: outcome }),
    );
    expect(r.ok).toBe(false);
    expect(r.errors.memory).toBe(
      `No host has room for this memory: kvm-a: ${need}6 GiB of 8 GiB free); sim-b: ${need}15 GiB of 16 GiB free)`,
    );
    expect(r.errors.cores).toBeUndefined();
  });

  it('leaves a placement that fails for another step`s reason to that step', () => {
    const outcome = noHost([row(HOST_A, 'kvm-a', ['network'], ['Node does not have required network prod'])]);
    expect(validateStep(initStep(), facts({ placement: outcome })).ok).toBe(true);
  });
});
