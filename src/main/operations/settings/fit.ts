/**
 * What a settings change adds to its host, checked by the scheduler on the VM's own host: the growth in
 * vCPUs and memory (the maximum the inventory counts for the VM), and the bytes of new and grown disks in
 * their pools, as a placement request pinned to that host. The VM's present size is already part of the
 * host's load, so the request is only what grows; the answer is the host's row of the placement table, with
 * the same reasons placement gives ("Insufficient resources: memory (needs 2 GiB, 1 GiB free)").
 */
import type { HostEvaluation, PlacementOutcome, PlacementRequest } from '../../../shared/domain/placement';
import type { VmSettingsChange } from '../../../shared/domain/vm-settings';
import type { SettingsContext, SettingsPlan } from '../../virt/settings-xml';
import { diskNamed, headOf } from '../../virt/settings/facts';

export interface Growth {
  readonly vcpus: number;
  readonly memoryBytes: number;
  /** Bytes added per disk: a new volume's size, a grown one's difference; pinned to its pool. */
  readonly disks: readonly { readonly pool: string; readonly name: string; readonly bytes: number }[];
}

/** Volumes grown on the running VM (blockresize) or cold, as `{pool, name, bytes added}`. */
function grownDisks(ctx: SettingsContext, plan: SettingsPlan, changes: readonly VmSettingsChange[]) {
  const out: { pool: string; name: string; bytes: number }[] = [];
  for (const p of plan.changes) {
    const c = changes[p.index];
    if (c?.kind !== 'disk-grow') continue;
    const path = diskNamed(ctx.inactiveXml, c.target)?.path;
    const vol = ctx.volumes.find((v) => v.path === path);
    if (vol && c.sizeBytes > vol.capacityBytes) {
      out.push({ pool: vol.pool, name: vol.name, bytes: c.sizeBytes - vol.capacityBytes });
    }
  }
  return out;
}

export function growthOf(
  ctx: SettingsContext,
  plan: SettingsPlan,
  changes: readonly VmSettingsChange[],
): Growth {
  const before = headOf(ctx.inactiveXml);
  const after = headOf(plan.inactiveXml);
  return {
    vcpus: Math.max(0, after.vcpuMax - before.vcpuMax),
    memoryBytes: Math.max(0, after.memoryKib - before.memoryKib) * 1024,
    disks: [
      ...plan.createVolumes.map((v) => ({ pool: v.pool, name: v.name, bytes: v.sizeBytes })),
      ...grownDisks(ctx, plan, changes),
    ],
  };
}

export const grows = (g: Growth): boolean => g.vcpus > 0 || g.memoryBytes > 0 || g.disks.length > 0;

/**
 * The growth as a placement request pinned to the VM's host. Sizes that do not grow are 0: the scheduler's
 * predicates compare them with what the host has free, which is never less than nothing. New and grown
 * disks are thin (qcow2, sparse): the scheduler books the same fraction of them as of a new VM's.
 */
export function growthRequest(g: Growth, hostId: string): PlacementRequest {
  return {
    vcpus: g.vcpus,
    memoryBytes: g.memoryBytes,
    disks: g.disks.map((d) => ({ sizeBytes: d.bytes, thin: true, pool: d.pool })),
    firmware: { uefi: false, tpm: false },
    requireKvm: false,
    labels: {},
    count: 1,
    strategy: 'spread',
    manualHost: hostId,
  };
}

/** The host's row of the placement's table (null: the host is not in the inventory's snapshot). */
export function hostRow(outcome: PlacementOutcome, hostId: string): HostEvaluation | null {
  const table = outcome.ok ? outcome.result.table : outcome.failure.table;
  return table.find((r) => r.hostId === hostId) ?? null;
}

/** Why the growth does not fit, for the refusal; null when it fits. */
export function fitRefusal(row: HostEvaluation | null, hostName: string): string | null {
  if (row === null) return `Host ${hostName} is not in the inventory's placement snapshot: sync it first`;
  if (row.feasible) return null;
  return `The change does not fit on host ${row.hostName}: ${row.reasons.join('; ')}`;
}
