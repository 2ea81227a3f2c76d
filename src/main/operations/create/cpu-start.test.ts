import { describe, expect, it } from 'vitest';
import type { CpuVariant } from '../../../shared/domain/cpu';
import { startWithCpuFallback, type CpuStartPort } from './cpu-start';

const MSR =
  'internal error: qemu unexpectedly closed the monitor: qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69';
const SMM =
  "qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]\n" +
  'qemu-system-x86_64: System Management Mode not supported by this hypervisor.';

/**
 * A host that refuses the variants given, with the recorded texts, and records what it was asked. The real
 * hypervisor is exercised in tests/integration/provision/cpu-fallback.test.ts; this pins the order of calls.
 */
function host(refuse: Partial<Record<CpuVariant, string>>) {
  const calls: string[] = [];
  let defined: CpuVariant = 'host-passthrough';
  const port: CpuStartPort = {
    define: (xml) => {
      defined = xml as CpuVariant;
      calls.push(`define ${xml}`);
      return Promise.resolve();
    },
    start: () => {
      calls.push(`start ${defined}`);
      const err = refuse[defined];
      return err ? Promise.reject(new Error(err)) : Promise.resolve();
    },
  };
  return { port, calls };
}

const req = (attempts: CpuVariant[], explicit = false, underKvm = true) => ({
  uuid: 'u',
  hostName: 'kvm1',
  attempts,
  explicit,
  underKvm,
  xmlFor: (v: CpuVariant) => v,
});

describe('startWithCpuFallback', () => {
  const chain: CpuVariant[] = ['host-passthrough', 'host-passthrough-compat', 'host-model', 'default'];

  it('redefines with the next variant after each CPU refusal, and stops at the first that starts', async () => {
    const h = host({ 'host-passthrough': MSR });
    const r = await startWithCpuFallback(h.port, req(chain));
    expect(r.started).toBe('host-passthrough-compat');
    expect(r.refused).toEqual([{ variant: 'host-passthrough', reason: 'failed to set MSR 0x10a' }]);
    expect(h.calls).toEqual([
      'start host-passthrough',
      'define host-passthrough-compat',
      'start host-passthrough-compat',
    ]);
  });

  it('tries an explicit choice alone and says what to choose instead', async () => {
    const h = host({ 'host-passthrough': MSR });
    await expect(startWithCpuFallback(h.port, req(['host-passthrough'], true))).rejects.toMatchObject({
      code: 'HOST_ERROR',
      field: 'compute.cpuMode',
      message: expect.stringMatching(
        /refused the VM's CPU: host-passthrough \(failed to set MSR 0x10a\).*Automatic/,
      ),
    });
    expect(h.calls).toEqual(['start host-passthrough']);
  });

  it('gives up when every variant is refused, naming each', async () => {
    const h = host({
      'host-passthrough': MSR,
      'host-passthrough-compat': MSR,
      'host-model': MSR,
      default: MSR,
    });
    await expect(startWithCpuFallback(h.port, req(chain))).rejects.toMatchObject({
      message: expect.stringMatching(
        /^No CPU mode starts on host kvm1: host-passthrough .*default CPU model/,
      ),
    });
    expect(h.calls.filter((c) => c.startsWith('start'))).toHaveLength(4);
  });

  it('does not retry CPU modes for what KVM cannot do at all, and names TCG', async () => {
    const h = host({ 'host-passthrough': SMM });
    await expect(startWithCpuFallback(h.port, req(chain))).rejects.toMatchObject({
      field: 'compute.accelerator',
      message: expect.stringMatching(/System Management Mode not supported.*--accel tcg/),
    });
    expect(h.calls).toEqual(['start host-passthrough']);
  });

  it('passes any other failure through untouched', async () => {
    const h = host({ 'host-passthrough': "Cannot access storage file '/x.qcow2'" });
    await expect(startWithCpuFallback(h.port, req(chain))).rejects.toThrow(/Cannot access storage file/);
  });
});
