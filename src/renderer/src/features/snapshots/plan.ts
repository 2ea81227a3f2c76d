/** The words a snapshot plan (`snapshots.plan`) is shown in before the user confirms. Pure. */
import type { SnapshotMode, SnapshotPlan } from '../../../../shared/domain/snapshot';
import { formatBytes } from '../hosts/format';

export const MODE_TEXT: Record<SnapshotMode, string> = {
  internal: 'Internal: saved inside the VM’s qcow2 disks',
  external: 'External: new overlay files over the disks, the disks left as they are',
};

export const MODE_LABEL: Record<SnapshotMode, string> = { internal: 'Internal', external: 'External' };

export interface PlanText {
  /** False when the plan refuses: Create stays disabled. */
  readonly ok: boolean;
  readonly title: string;
  /** Term → description pairs. */
  readonly facts: readonly (readonly [string, string])[];
  readonly notes: readonly string[];
}

/** "64 MiB, into pool default (12.3 GiB free)", and whether it fits. */
export function memoryText(plan: SnapshotPlan): string {
  const pool = plan.pool === null ? 'its disk’s pool' : `pool ${plan.pool}`;
  const free = plan.poolFreeBytes === null ? 'free space unknown' : `${formatBytes(plan.poolFreeBytes)} free`;
  return `${formatBytes(plan.memoryBytes)}, into ${pool} (${free})`;
}

export function planText(plan: SnapshotPlan): PlanText {
  const facts: [string, string][] = [['VM now', plan.vmState]];
  if (plan.mode !== null) facts.push(['Mode', MODE_TEXT[plan.mode]]);
  facts.push(['Contents', plan.memory ? 'Its disks and its memory' : 'Its disks only']);
  if (plan.memory) facts.push(['Memory', memoryText(plan)]);
  if (plan.refusal !== null) {
    return { ok: false, title: 'This snapshot cannot be taken', facts, notes: [plan.refusal] };
  }
  return {
    ok: true,
    title: plan.memory ? 'A snapshot of the running VM, with its memory' : 'A disk-only snapshot',
    facts,
    notes: plan.notes,
  };
}
