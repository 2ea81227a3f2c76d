import { describe, expect, it } from 'vitest';
import { cpuAttempts, effectiveDomainType, isCpuVariant, variantOfChoice } from '../../shared/domain/cpu';
import {
  cpuFailureMessage,
  cpuRefusal,
  fallbackSummary,
  kvmLimitation,
  kvmLimitationMessage,
} from './cpu-refusal';

/** Error texts as virsh printed them on real hosts (the MSR one from a nested-KVM AMD EPYC cloud VM). */
const RECORDED = {
  msr: [
    "error: Failed to start domain 'web-1'",
    'error: internal error: qemu unexpectedly closed the monitor: 2026-12-05T10:12:44.120391Z ' +
      'qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69',
    "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3185: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.",
  ].join('\n'),
  msrAssertOnly:
    "internal error: process exited while connecting to monitor: kvm_buf_set_msrs: Assertion `ret == cpu->kvm_msr_buf->nmsrs' failed.",
  incompatible:
    "error: Failed to start domain 'kvmprobe2'\nerror: the CPU is incompatible with host CPU: Host CPU does not provide required features: monitor, mmxext, fxsr_opt, 3dnowext, 3dnow, svm",
  mismatch: "error: operation failed: guest CPU doesn't match specification: missing features: vmx,pdpe1gb",
  modeUnsupported:
    "error: unsupported configuration: CPU mode 'host-passthrough' for x86_64 qemu domain on x86_64 host is not supported by hypervisor",
  enforce:
    "qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.07H:EBX.avx512f [bit 16]\nqemu-system-x86_64: Host doesn't support requested features",
};

/** A secure-boot UEFI VM under nested KVM: QEMU's CPU warnings, then the real (SMM) failure. */
const SMM =
  "error: Failed to start domain 'w11'\nerror: internal error: qemu unexpectedly closed the monitor: " +
  "2026-12-07T11:20:01.1Z qemu-system-x86_64: warning: host doesn't support requested feature: CPUID.01H:ECX.pni [bit 0]\n" +
  '2026-12-07T11:20:01.2Z qemu-system-x86_64: System Management Mode not supported by this hypervisor.';

const NOT_CPU = [
  SMM,
  "error: Failed to start domain 'x'\nerror: Cannot access storage file '/var/lib/libvirt/images/x.qcow2': No such file or directory",
  'error: internal error: process exited while connecting to monitor: qemu-system-x86_64: -accel kvm: Could not access KVM kernel module: Permission denied',
  "error: Requested operation is not valid: network 'default' is not active",
  'error: failed to connect to the hypervisor',
];

describe('cpuRefusal', () => {
  it('names the MSR KVM refused on nested hosts', () => {
    expect(cpuRefusal(RECORDED.msr)).toBe('failed to set MSR 0x10a');
    expect(cpuRefusal(RECORDED.msrAssertOnly)).toMatch(/kvm_buf_set_msrs/);
  });

  it("reads libvirt's CPU comparison and mode refusals", () => {
    expect(cpuRefusal(RECORDED.incompatible)).toMatch(/^the CPU is incompatible with the host CPU: .*3dnow/);
    expect(cpuRefusal(RECORDED.mismatch)).toBe(
      "guest CPU doesn't match specification: missing features: vmx,pdpe1gb",
    );
    expect(cpuRefusal(RECORDED.modeUnsupported)).toBe(
      'CPU mode host-passthrough is not supported by the hypervisor',
    );
    expect(cpuRefusal(RECORDED.enforce)).toBe('the host does not support requested CPU features');
  });

  it.each(NOT_CPU)('leaves other start failures alone: %s', (text) => {
    expect(cpuRefusal(text)).toBeNull();
  });
});

describe('kvmLimitation', () => {
  it('names what KVM cannot do, which another CPU mode would not fix', () => {
    expect(kvmLimitation(SMM)).toBe('System Management Mode not supported by this hypervisor');
    expect(
      kvmLimitation(
        "error: internal error: qemu unexpectedly closed the monitor: kernel doesn't allow setting HyperV VP_INDEX",
      ),
    ).toBe("kernel doesn't allow setting HyperV VP_INDEX");
    expect(kvmLimitation(RECORDED.msr)).toBeNull();
    expect(kvmLimitationMessage('kvm1', 'x')).toMatch(/qhci host set kvm1 --accel tcg/);
  });
});

describe('the automatic chain', () => {
  it('tries host-passthrough, then without arch-capabilities, then host-model, then the default', () => {
    expect(cpuAttempts('auto', 'kvm', null)).toEqual([
      'host-passthrough',
      'host-passthrough-compat',
      'host-model',
      'default',
    ]);
  });

  it('starts with what last worked on the host, without trying it twice', () => {
    expect(cpuAttempts('auto', 'kvm', 'host-passthrough-compat')).toEqual([
      'host-passthrough-compat',
      'host-passthrough',
      'host-model',
      'default',
    ]);
    expect(cpuAttempts('auto', 'kvm', 'model:EPYC')).toEqual([
      'model:EPYC',
      'host-passthrough',
      'host-passthrough-compat',
      'host-model',
      'default',
    ]);
  });

  it('uses the default model under TCG and an explicit choice alone', () => {
    expect(cpuAttempts('auto', 'qemu', 'host-passthrough')).toEqual(['default']);
    expect(cpuAttempts('host-model', 'kvm', 'host-passthrough-compat')).toEqual(['host-model']);
    expect(cpuAttempts('Skylake-Client', 'kvm', null)).toEqual(['model:Skylake-Client']);
    expect(variantOfChoice('auto')).toBeNull();
  });

  it('knows its own variants and nothing else', () => {
    expect(isCpuVariant('host-passthrough-compat')).toBe(true);
    expect(isCpuVariant('model:EPYC-Rome')).toBe(true);
    expect(isCpuVariant('model:--x')).toBe(false);
    expect(isCpuVariant('host-passthrough; rm')).toBe(false);
  });

  it('walks the recorded refusals the way the start step does: the MSR host lands on the compat variant', () => {
    // What KVM does on the nested EPYC host: both full modes abort on MSR 0x10a.
    const refuses = (v: string) => (v === 'host-passthrough' || v === 'host-model' ? RECORDED.msr : null);
    const refused: { variant: ReturnType<typeof cpuAttempts>[number]; reason: string }[] = [];
    let started: string | null = null;
    for (const v of cpuAttempts('auto', 'kvm', null)) {
      const err = refuses(v);
      if (err === null) {
        started = v;
        break;
      }
      refused.push({ variant: v, reason: cpuRefusal(err)! });
    }
    expect(started).toBe('host-passthrough-compat');
    expect(fallbackSummary(refused, 'host-passthrough-compat')).toBe(
      'host-passthrough refused on this host (failed to set MSR 0x10a); started with host-passthrough without arch-capabilities',
    );
  });

  it('explains an explicit refusal with what to choose instead', () => {
    const msg = cpuFailureMessage(
      'kvm1',
      [{ variant: 'host-model', reason: 'failed to set MSR 0x10a' }],
      true,
    );
    expect(msg).toMatch(/kvm1 refused the VM's CPU: host-model \(failed to set MSR 0x10a\)/);
    expect(msg).toMatch(/Automatic/);
    expect(cpuFailureMessage('kvm1', [], false)).toMatch(/TCG/);
  });
});

describe('effectiveDomainType', () => {
  it("lets the VM's override win over the host's policy, and the policy over what the host offers", () => {
    expect(effectiveDomainType('kvm', 'auto', 'auto')).toBe('kvm');
    expect(effectiveDomainType('qemu', 'auto', 'auto')).toBe('qemu');
    expect(effectiveDomainType('kvm', 'tcg', 'auto')).toBe('qemu');
    expect(effectiveDomainType('kvm', 'tcg', 'kvm')).toBe('kvm');
    expect(effectiveDomainType('kvm', 'auto', 'tcg')).toBe('qemu');
    expect(effectiveDomainType('qemu', 'kvm', 'auto')).toBe('kvm');
  });
});
