/**
 * The Clone dialog's form as plain data: its defaults, the names it would make (the live preview), what is
 * wrong with it, the request it sends, the scheduler dry run that previews where placed clones go, and what
 * the clone copies, in words, for the confirmation. Pure: the dialog only renders these.
 */
import {
  cloneNames,
  cloneNamesProblem,
  MAX_CLONE_COUNT,
  type CloneMode,
  type VmCloneRequest,
} from '../../../../shared/domain/clone';
import type { HostSummary, StoredVolume } from '../../../../shared/domain/host';
import type {
  PlacementOutcome,
  PlacementRequestInput,
  PlacementStrategy,
} from '../../../../shared/domain/placement';
import type { VmDetail, VmSummary } from '../../../../shared/domain/vm';

/** Where the clones go: the source's host and pools, where the scheduler places them, or a chosen host. */
export type CloneDestination = 'source' | 'scheduler' | 'host';

export interface CloneDraft {
  /** A name, or a name template with {{.VMName}} and {{.Index}}. */
  readonly name: string;
  readonly count: number;
  readonly mode: CloneMode;
  readonly destination: CloneDestination;
  readonly strategy: PlacementStrategy;
  /** With destination "host": the host, and a pool on it (empty: the source's pools, or the scheduler's). */
  readonly hostId: string;
  readonly pool: string;
  readonly description: string;
}

type Source = Pick<VmSummary, 'name' | 'template' | 'hostId'>;

export function initCloneDraft(source: Source, mode?: CloneMode): CloneDraft {
  const m = mode ?? (source.template ? 'linked' : 'full');
  return {
    name: m === 'linked' ? '{{.VMName}}-{{.Index}}' : '{{.VMName}}-clone',
    count: 1,
    mode: m,
    destination: 'source',
    strategy: 'spread',
    hostId: source.hostId ?? '',
    pool: '',
    description: '',
  };
}

export interface NamePreview {
  readonly names: readonly string[];
  /** Names already used by a VM of the project. */
  readonly taken: readonly string[];
}

/** The names this draft makes, and which of them are taken (a count out of range previews nothing). */
export function namePreview(draft: CloneDraft, sourceName: string, used: ReadonlySet<string>): NamePreview {
  if (!validCount(draft.count) || draft.name.trim() === '') return { names: [], taken: [] };
  const names = cloneNames(draft.name.trim(), sourceName, draft.count);
  return { names, taken: names.filter((n) => used.has(n)) };
}

const validCount = (n: number) => Number.isInteger(n) && n >= 1 && n <= MAX_CLONE_COUNT;

export type CloneField = 'name' | 'count' | 'mode' | 'host' | 'description';

/** What is wrong with the draft, by field; empty when it can be sent. */
export function validateCloneDraft(
  draft: CloneDraft,
  source: Source,
  used: ReadonlySet<string>,
): Partial<Record<CloneField, string>> {
  const errors: Partial<Record<CloneField, string>> = {};
  if (!validCount(draft.count)) errors.count = `Count must be a whole number from 1 to ${MAX_CLONE_COUNT}`;
  const name = draft.name.trim();
  if (name === '') errors.name = 'Name is required';
  else if (name.length > 255) errors.name = 'Name must be at most 255 characters';
  else if (errors.count === undefined) {
    const problem = cloneNamesProblem(name, source.name, draft.count);
    if (problem !== null) errors.name = problem;
    else {
      const { taken } = namePreview(draft, source.name, used);
      if (taken.length > 0) {
        errors.name =
          taken.length === 1
            ? `A VM named ${taken[0]} exists already`
            : `VMs named ${taken.slice(0, 3).join(', ')}${taken.length > 3 ? ', …' : ''} exist already`;
      }
    }
  }
  if (draft.mode === 'linked' && !source.template) {
    errors.mode = 'A linked clone is made from a template only: convert the VM to a template first';
  }
  if (draft.destination === 'host' && draft.hostId === '') errors.host = 'Choose a host';
  if (draft.description.length > 1024) errors.description = 'Description must be at most 1024 characters';
  return errors;
}

/** The clone channel's input for this draft (the draft is valid). */
export function cloneRequest(draft: CloneDraft, vmId: string): VmCloneRequest {
  const description = draft.description.trim();
  return {
    vmId,
    name: draft.name.trim(),
    mode: draft.mode,
    count: draft.count,
    ...(description !== '' ? { description } : {}),
    ...(draft.destination === 'scheduler' ? { placement: { strategy: draft.strategy } } : {}),
    ...(draft.destination === 'host'
      ? {
          placement: {
            strategy: draft.strategy,
            hostId: draft.hostId,
            ...(draft.pool !== '' ? { pool: draft.pool } : {}),
          },
        }
      : {}),
  };
}

/** A VM's disks that are copied (or overlaid) and those that are shared, from its detail. */
export function splitDisks(vm: Pick<VmDetail, 'details'>) {
  const disks = vm.details.disks ?? [];
  return {
    own: disks.filter((d) => d.device === 'disk'),
    shared: disks.filter((d) => d.device !== 'disk'),
  };
}

/**
 * The scheduler's dry run for placed clones: the source's vCPUs, memory and network, one thin disk per disk
 * of its own at its virtual size (a linked clone's overlay starts small, but on another host the template's
 * base is copied there once), `count` of them. Null when the destination is the source's host.
 */
export function clonePlacementRequest(
  draft: CloneDraft,
  vm: Pick<VmDetail, 'vcpus' | 'memoryBytes' | 'details'>,
  volumes: readonly Pick<StoredVolume, 'path' | 'capacityBytes' | 'pool'>[],
): PlacementRequestInput | null {
  if (draft.destination === 'source' || !validCount(draft.count)) return null;
  const byPath = new Map(volumes.map((v) => [v.path, v]));
  const disks = splitDisks(vm).own.map((d) => {
    const vol = d.source === null ? undefined : byPath.get(d.source);
    const pool = draft.destination === 'host' && draft.pool !== '' ? draft.pool : undefined;
    return { sizeBytes: Math.max(1, vol?.capacityBytes ?? 1), thin: true, ...(pool ? { pool } : {}) };
  });
  const network = (vm.details.nics ?? []).find((n) => n.type === 'network' && n.source !== null)?.source;
  return {
    vcpus: Math.max(1, vm.vcpus ?? 1),
    memoryBytes: Math.max(1024 * 1024, vm.memoryBytes ?? 1024 * 1024),
    disks,
    ...(network ? { network } : {}),
    count: draft.count,
    strategy: draft.strategy,
    ...(draft.destination === 'host' && draft.hostId !== '' ? { manualHost: draft.hostId } : {}),
  };
}

/** What the clone makes of each part of the source, in words, for the confirmation. */
export function copySummary(
  vm: Pick<VmDetail, 'name' | 'details'>,
  mode: CloneMode,
  count: number,
  /** Some clone goes to a host other than the source's. */
  elsewhere = false,
): readonly string[] {
  const { own, shared } = splitDisks(vm);
  const each = count === 1 ? 'The clone' : `Each of the ${count} clones`;
  const lines: string[] = [];
  const names = (ds: readonly { target: string; source: string | null }[]) =>
    ds.map((d) => (d.source ? `${d.target} (${d.source})` : d.target)).join(', ');
  if (own.length === 0) lines.push(`${vm.name} has no disk of its own: nothing is copied.`);
  else if (mode === 'full') {
    lines.push(
      `${own.length === 1 ? 'Its disk is' : `Its ${own.length} disks are`} copied whole, backing chain ` +
        `included, sparse: ${names(own)}.`,
    );
  } else {
    lines.push(
      `${each} gets a qcow2 overlay on ${own.length === 1 ? 'the template’s disk' : `each of the template’s ${own.length} disks`} ` +
        `(${names(own)}): nothing is copied on the template’s host; on another host its base is copied once.`,
    );
  }
  const seeds = shared.filter((d) => d.source !== null && /-cidata\.iso$/.test(d.source));
  const media = shared.filter((d) => !seeds.includes(d));
  if (media.length > 0) lines.push(`Shared, not copied: ${names(media)}.`);
  if (elsewhere) {
    lines.push(
      'On another host the copy travels through this workstation and its SHA-256 is checked; shared ' +
        'media are used from the same path there: a CD-ROM that host lacks is left empty, any other ' +
        'shared disk it lacks refuses the clone.',
    );
  }
  if (seeds.length > 0) {
    lines.push(
      'Its cloud-init seed is made anew: a new instance-id and the hostname from the clone’s name, so the ' +
        'guest makes new SSH host keys and a new machine-id.',
    );
  }
  const nics = vm.details.nics?.length ?? 0;
  lines.push(
    `${each} gets a new UUID and SMBIOS UUID${nics === 0 ? '' : nics === 1 ? ' and a new MAC' : `, and a new MAC on each of its ${nics} NICs`}; UEFI variables and TPM state are copied when ${vm.name} has them.`,
  );
  if (mode === 'linked') {
    lines.push('The template cannot be deleted while a linked clone of it exists.');
  }
  return lines;
}

/** "kvm-a (2), kvm-b (1)": where the dry run puts the clones. */
export function placedOn(
  outcome: PlacementOutcome | undefined,
  hosts: readonly Pick<HostSummary, 'id' | 'name'>[],
): string | null {
  if (!outcome?.ok) return null;
  const counts = new Map<string, number>();
  for (const id of outcome.result.chosen) counts.set(id, (counts.get(id) ?? 0) + 1);
  const name = (id: string) => hosts.find((h) => h.id === id)?.name ?? id;
  const total = outcome.result.chosen.length;
  return [...counts].map(([id, n]) => (total === 1 ? name(id) : `${name(id)} (${n})`)).join(', ');
}
