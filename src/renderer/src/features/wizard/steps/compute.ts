/** Step 3, Compute: sockets × cores, and memory from a preset or a custom value. */
import { GiB, MiB, parseCount, type ComputeDraft, type StepCheck, type WizardFacts } from '../draft';
import { describeBlockers, placementBlockers } from '../placement-issues';
import { hasErrors, mergeErrors, requestErrors } from '../schema';
import type { Accelerator } from '../../../../../shared/domain/cpu';
import type { HostSummary } from '../../../../../shared/domain/host';

export interface ComputeValue {
  readonly sockets: number;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly cpuMode: string;
  readonly accelerator: Accelerator;
}

/** The CPU modes offered before any named model (those come from the chosen host's domcapabilities). */
export const CPU_MODE_CHOICES: readonly { value: string; label: string }[] = [
  { value: 'auto', label: 'Automatic (falls back to a mode the host runs)' },
  { value: 'host-passthrough', label: 'host-passthrough (the host CPU, needs KVM)' },
  { value: 'host-model', label: 'host-model (a model like the host CPU, needs KVM)' },
  { value: 'default', label: "The hypervisor's default model" },
];

/** Named CPU models usable on the chosen host (manual placement), or on every known host otherwise. */
export function cpuModelsFor(hosts: readonly HostSummary[], hostId: string | null): string[] {
  const lists = hosts
    .filter((h) => (hostId === null ? true : h.id === hostId))
    .map((h) => h.facts?.cpuModels ?? []);
  if (lists.length === 0) return [];
  const [first, ...rest] = lists;
  return first!.filter((m) => rest.every((l) => l.includes(m))).sort((a, b) => a.localeCompare(b));
}

/** Memory presets, in GiB. */
export const MEMORY_PRESETS = ['0.5', '1', '2', '4', '8', '16', '32', '64'] as const;

export function initStep(): ComputeDraft {
  return {
    sockets: '1',
    cores: '1',
    memoryGiB: '1',
    memoryCustom: false,
    cpuMode: 'auto',
    accelerator: 'auto',
  };
}

/** "1.5" (GiB) → bytes in whole MiB; null when not a positive number. */
export function memoryBytes(gib: string): number | null {
  const t = gib.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const bytes = Math.round(Number(t) * 1024) * MiB;
  return bytes > 0 ? bytes : null;
}

const FIELD: Readonly<Record<string, string>> = {
  'compute.sockets': 'sockets',
  'compute.cores': 'cores',
  'compute.memoryBytes': 'memory',
  'compute.cpuMode': 'cpuMode',
  'compute.accelerator': 'accelerator',
};

export function validateStep(d: ComputeDraft, facts: WizardFacts): StepCheck<ComputeValue> {
  const sockets = parseCount(d.sockets);
  const cores = parseCount(d.cores);
  const memory = memoryBytes(d.memoryGiB);
  const local: Record<string, string> = {};
  if (sockets === null) local.sockets = 'Sockets must be a whole number';
  if (cores === null) local.cores = 'Cores must be a whole number';
  if (memory === null) local.memory = 'Memory must be a number of GiB, such as 4 or 1.5';
  // A draft saved before these fields existed has neither.
  const cpuMode = d.cpuMode ?? 'auto';
  const accelerator = d.accelerator ?? 'auto';
  if (accelerator === 'tcg' && (cpuMode === 'host-passthrough' || cpuMode === 'host-model'))
    local.cpuMode = `${cpuMode} needs KVM: choose Automatic, the default model or a CPU model, or another accelerator`;
  const compute = {
    sockets: sockets ?? 1,
    cores: cores ?? 1,
    memoryBytes: memory ?? GiB,
    cpuMode,
    accelerator,
  };
  let errors = mergeErrors(
    local,
    requestErrors({ compute }, (path) => FIELD[path]),
  );
  if (!hasErrors(errors)) {
    const blockers = placementBlockers(facts.placement, 'compute');
    const mem = describeBlockers(blockers, (r) => /memory/i.test(r));
    const accel = describeBlockers(blockers, (r) => /kvm|accelerator/i.test(r));
    const cpu = describeBlockers(blockers, (r) => !/memory|kvm|accelerator/i.test(r));
    errors = mergeErrors(errors, {
      ...(accel !== '' ? { accelerator: `No host can run it this way: ${accel}` } : {}),
      ...(mem !== '' ? { memory: `No host has room for this memory: ${mem}` } : {}),
      ...(cpu !== '' ? { cores: `No host has room for these vCPUs: ${cpu}` } : {}),
    });
  }
  if (hasErrors(errors)) return { ok: false, errors };
  return { ok: true, errors, value: compute };
}
