/**
 * The guest CPU a VM is given, and the accelerator it runs under. Shared by the wizard's Compute step,
 * `qhci vm create --cpu/--accel`, `qhci host set --accel` and main (domain XML, the start fallback).
 *
 * KVM on some hosts refuses a CPU mode that libvirt itself accepts: on nested KVM (a cloud VM as the host)
 * host-passthrough and host-model can abort QEMU ("failed to set MSR 0x10a"). So "automatic" is a chain
 * of variants tried in order at start, and the host remembers the one that worked.
 */
import { z } from 'zod';

/** What the user picks: automatic, a mode, or a named model from the host's domcapabilities. */
export const CPU_MODE_KEYWORDS = ['auto', 'host-passthrough', 'host-model', 'default'] as const;
export type CpuModeKeyword = (typeof CPU_MODE_KEYWORDS)[number];

/** A QEMU CPU model name as domcapabilities lists them (Skylake-Client-IBRS, EPYC-Rome, qemu64…). */
export const CPU_MODEL_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const CpuMode = z
  .string({ message: 'CPU mode must be a string' })
  .trim()
  .min(1, 'CPU mode is required')
  .max(64, 'CPU mode must be at most 64 characters')
  .regex(
    CPU_MODEL_RE,
    'CPU mode is auto, host-passthrough, host-model, default or a CPU model name (letters, digits, ".", "_", "-")',
  );
export type CpuMode = z.output<typeof CpuMode>;

export const ACCELERATORS = ['auto', 'kvm', 'tcg'] as const;
export type Accelerator = (typeof ACCELERATORS)[number];
export const AcceleratorChoice = z.enum(ACCELERATORS, {
  message: 'Accelerator must be auto, kvm or tcg',
});

export const ACCELERATOR_LABELS: Readonly<Record<Accelerator, string>> = {
  auto: 'Automatic (KVM where the host offers it)',
  kvm: 'KVM (hardware virtualization)',
  tcg: 'TCG (emulation)',
};

/**
 * One concrete `<cpu>` element the domain can be defined with. Besides the user's choices, the chain has
 * host-passthrough without the arch-capabilities feature: the variant that starts on nested KVM hosts whose
 * KVM refuses the MSR behind it (0x10a), at nearly full host-passthrough performance.
 */
export type CpuVariant =
  'host-passthrough' | 'host-passthrough-compat' | 'host-model' | 'default' | `model:${string}`;

/** The automatic chain, best first. */
export const CPU_FALLBACK_CHAIN: readonly CpuVariant[] = [
  'host-passthrough',
  'host-passthrough-compat',
  'host-model',
  'default',
];

export function isCpuVariant(s: string): s is CpuVariant {
  if (s.startsWith('model:')) return CPU_MODEL_RE.test(s.slice('model:'.length));
  return (CPU_FALLBACK_CHAIN as readonly string[]).includes(s);
}

/** A variant for people: "host-passthrough without arch-capabilities", "model EPYC-Rome". */
export function describeCpuVariant(v: CpuVariant): string {
  switch (v) {
    case 'host-passthrough':
      return 'host-passthrough';
    case 'host-passthrough-compat':
      return 'host-passthrough without arch-capabilities';
    case 'host-model':
      return 'host-model';
    case 'default':
      return "the hypervisor's default CPU model";
    default:
      return `CPU model ${v.slice('model:'.length)}`;
  }
}

/** The variant an explicit choice means (auto has none: it is the chain). */
export function variantOfChoice(choice: string): CpuVariant | null {
  if (choice === 'auto') return null;
  if (choice === 'host-passthrough' || choice === 'host-model' || choice === 'default') return choice;
  return `model:${choice}`;
}

/**
 * The variants to try, in order. An explicit choice is tried alone. Automatic under KVM: the mode that last
 * worked on this host first, then the chain. Under TCG there is no host CPU to pass through: the default.
 */
export function cpuAttempts(
  choice: string,
  domainType: 'kvm' | 'qemu',
  hostWorked: CpuVariant | null,
): CpuVariant[] {
  const explicit = variantOfChoice(choice);
  if (explicit) return [explicit];
  if (domainType !== 'kvm') return ['default'];
  const chain: CpuVariant[] = hostWorked ? [hostWorked] : [];
  for (const v of CPU_FALLBACK_CHAIN) if (!chain.includes(v)) chain.push(v);
  return chain;
}

/** Whether a request's choices need KVM on the host (the scheduler then skips hosts without it). */
export function needsKvm(cpuMode: string, accelerator: Accelerator): boolean {
  return accelerator === 'kvm' || cpuMode === 'host-passthrough' || cpuMode === 'host-model';
}

/** The domain type a VM gets: its own override, else the host's policy, else what the host offers. */
export function effectiveDomainType(
  hostOffers: 'kvm' | 'qemu',
  hostPolicy: Accelerator,
  vmOverride: Accelerator,
): 'kvm' | 'qemu' {
  const pick = vmOverride !== 'auto' ? vmOverride : hostPolicy;
  if (pick === 'tcg') return 'qemu';
  if (pick === 'kvm') return 'kvm';
  return hostOffers;
}
