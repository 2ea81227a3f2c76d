import { describe, expect, it } from 'vitest';
import { GiB } from '../draft';
import { facts, HOST_A, HOST_B, noHost, row } from '../testing';
import { cpuModelsFor, initStep, memoryBytes, validateStep } from './compute';

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

  it('passes the CPU mode and accelerator on, and refuses a host CPU mode under TCG on its field', () => {
    expect(validateStep({ ...initStep(), cpuMode: 'EPYC-Rome', accelerator: 'kvm' }, facts())).toMatchObject({
      ok: true,
      value: { cpuMode: 'EPYC-Rome', accelerator: 'kvm' },
    });
    const r = validateStep({ ...initStep(), cpuMode: 'host-passthrough', accelerator: 'tcg' }, facts());
    expect(r.ok).toBe(false);
    expect(r.errors.cpuMode).toMatch(/host-passthrough needs KVM/);
    expect(validateStep({ ...initStep(), cpuMode: 'bad model' }, facts()).errors.cpuMode).toMatch(
      /CPU mode is auto/,
    );
  });

  it('puts a host that cannot run it under the chosen accelerator on the accelerator field', () => {
    const reason = "the host's accelerator policy is TCG, so its guests never run under kvm";
    const outcome = noHost([row(HOST_A, 'kvm-a', ['accelerator'], [reason])]);
    const r = validateStep({ ...initStep(), accelerator: 'kvm' }, facts({ placement: outcome }));
    expect(r.errors.accelerator).toBe(`No host can run it this way: kvm-a: ${reason}`);
    expect(r.errors.cores).toBeUndefined();
  });

  it('offers the CPU models every candidate host can run, or the chosen host`s', () => {
    const host = (id: string, cpuModels: string[]) =>
      ({ id, facts: { cpuModels } }) as unknown as Parameters<typeof cpuModelsFor>[0][number];
    const hosts = [host('a', ['qemu64', 'EPYC', 'Skylake']), host('b', ['Skylake', 'qemu64'])];
    expect(cpuModelsFor(hosts, null)).toEqual(['qemu64', 'Skylake']);
    expect(cpuModelsFor(hosts, 'a')).toEqual(['EPYC', 'qemu64', 'Skylake']);
    expect(cpuModelsFor([], null)).toEqual([]);
  });

  it('leaves a placement that fails for another step`s reason to that step', () => {
    const outcome = noHost([row(HOST_A, 'kvm-a', ['network'], ['Node does not have required network prod'])]);
    expect(validateStep(initStep(), facts({ placement: outcome })).ok).toBe(true);
  });
});
