/**
 * Reading a failed start: was it the guest CPU that the host (KVM, QEMU or libvirt's CPU check) refused?
 * Pure: over the error text virsh or the binding returned. Each pattern comes from a real refusal; the
 * reason is the short phrase a person recognises in the host's log.
 */
import { describeCpuVariant, type CpuVariant } from '../../shared/domain/cpu';

interface RefusalPattern {
  readonly re: RegExp;
  readonly reason: (m: RegExpExecArray) => string;
}

const oneLine = (s: string, max = 160) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

const PATTERNS: readonly RefusalPattern[] = [
  // Nested KVM on AMD EPYC cloud VMs: QEMU aborts in kvm_buf_set_msrs.
  {
    re: /failed to set MSR (0x[0-9a-f]+)(?: to (0x[0-9a-f]+))?/i,
    reason: (m) => `failed to set MSR ${m[1]}`,
  },
  { re: /kvm_buf_set_msrs/i, reason: () => 'KVM refused a model-specific register (kvm_buf_set_msrs)' },
  // libvirt's CPU comparison (check='partial'/'full', a model with fallback='forbid').
  {
    re: /the CPU is incompatible with host CPU:?\s*([^\n]*)/i,
    reason: (m) => oneLine(`the CPU is incompatible with the host CPU${m[1] ? `: ${m[1]}` : ''}`),
  },
  {
    re: /guest CPU doesn't match specification:?\s*([^\n]*)/i,
    reason: (m) => oneLine(`guest CPU doesn't match specification${m[1] ? `: ${m[1]}` : ''}`),
  },
  {
    re: /host CPU does not provide required features:?\s*([^\n]*)/i,
    reason: (m) => oneLine(`the host CPU does not provide required features: ${m[1] ?? ''}`),
  },
  // QEMU with enforce: fatal after its warnings name the features (warnings alone are not a refusal).
  {
    re: /host doesn't support requested features/i,
    reason: () => 'the host does not support requested CPU features',
  },
  {
    re: /(?:unsupported|unknown|invalid) CPU feature:?\s*([^\n]*)/i,
    reason: (m) => oneLine(`unsupported CPU feature ${m[1] ?? ''}`),
  },
  // libvirt refusing the mode or model itself (host-passthrough under TCG, a model QEMU lacks).
  {
    re: /CPU mode '([^']+)' for \S+ \S+ domain on \S+ host is not supported by hypervisor/i,
    reason: (m) => `CPU mode ${m[1]} is not supported by the hypervisor`,
  },
  {
    re: /CPU model '?([^'\s]+)'? is not supported by (?:the )?hypervisor/i,
    reason: (m) => `CPU model ${m[1]} is not supported by the hypervisor`,
  },
];

/**
 * QEMU's warnings ("warning: host doesn't support requested feature: CPUID…") precede many failures that
 * have nothing to do with the CPU (SMM under KVM, a missing file): only the fatal part is read.
 */
function withoutWarnings(text: string): string {
  return text.replace(/warning:[^\n]*/gi, '');
}

/** The reason a start failed because of the guest CPU, or null when it failed for something else. */
export function cpuRefusal(errorText: string): string | null {
  const fatal = withoutWarnings(errorText);
  for (const p of PATTERNS) {
    const m = p.re.exec(fatal);
    if (m) return p.reason(m);
  }
  return null;
}

/**
 * KVM that accepts a domain but cannot run what it asks for (nested KVM without SMM or Hyper-V
 * enlightenments): the reason, or null. Another CPU mode cannot help; TCG can.
 */
export function kvmLimitation(errorText: string): string | null {
  const fatal = withoutWarnings(errorText);
  const m =
    /System Management Mode not supported by this hypervisor/i.exec(fatal) ??
    /kernel doesn't allow setting HyperV \S+/i.exec(fatal) ??
    /KVM internal error[^\n]*/i.exec(fatal) ??
    /kvm run failed[^\n]*/i.exec(fatal);
  return m ? oneLine(m[0]) : null;
}

export function kvmLimitationMessage(hostName: string, reason: string): string {
  return (
    `The KVM of host ${hostName} cannot run this VM (${reason}). Set the host's accelerator to TCG ` +
    `(emulation) on its page or with "qhci host set ${hostName} --accel tcg", or choose the TCG ` +
    'accelerator for this VM'
  );
}

export interface RefusedAttempt {
  readonly variant: CpuVariant;
  readonly reason: string;
}

/**
 * What the start step says after a fallback: "host-passthrough refused by KVM on this host (failed to set
 * MSR 0x10a); started with host-passthrough without arch-capabilities".
 */
export function fallbackSummary(refused: readonly RefusedAttempt[], started: CpuVariant): string {
  const parts = refused.map((r) => `${describeCpuVariant(r.variant)} refused on this host (${r.reason})`);
  return `${parts.join('; ')}; started with ${describeCpuVariant(started)}`;
}

/** Why no attempt started, and what to do: for the error of the start step or of a power-on. */
export function cpuFailureMessage(
  hostName: string,
  refused: readonly RefusedAttempt[],
  explicit: boolean,
): string {
  const tried = refused.map((r) => `${describeCpuVariant(r.variant)} (${r.reason})`).join('; ');
  if (explicit) {
    return (
      `The host ${hostName} refused the VM's CPU: ${tried}. ` +
      'Choose "Automatic" as the CPU mode (it falls back to a mode this host runs), or another mode or model'
    );
  }
  return (
    `No CPU mode starts on host ${hostName}: ${tried}. ` +
    "Set the host's accelerator to TCG (emulation), or choose a CPU model the host lists as usable"
  );
}
