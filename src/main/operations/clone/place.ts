/**
 * Where clones go when the request asks the scheduler: the source's size (vCPUs, memory, each disk's need,
 * its first network, UEFI and TPM, KVM when its XML asks for it) as a placement request for `count` VMs,
 * placed and booked in one inventory transaction with the same predicates, scores and explanations as
 * creation. A refusal is the scheduler's own explanation of every host it looked at.
 */
import { AppError } from '../../../shared/domain/errors';
import type { VmCloneInput } from '../../../shared/domain/clone';
import type { PlacementRequest } from '../../../shared/domain/placement';
import type { VmSummary } from '../../../shared/domain/vm';
import { isPlacementError } from '../../scheduler';
import type { ReservedPlacement } from '../../services/reservations';
import { cloneFacts } from '../../virt/clone-xml';
import { node, nodes, parseXml, text } from '../../virt/xml';
import type { CloneDeps } from './context';
import type { SourceDisk } from './plan';

const MIB = 1024 ** 2;

/** The network of the source's first NIC on a libvirt network, if any. */
function firstNetwork(xml: string): string | undefined {
  const devices = node(node(parseXml(xml), 'domain'), 'devices');
  for (const nic of nodes(devices, 'interface')) {
    if (text(nic, '@type') !== 'network') continue;
    const name = text(node(nic, 'source'), '@network');
    if (name && !name.startsWith('-')) return name;
  }
  return undefined;
}

export function clonePlacementRequest(
  src: VmSummary,
  xml: string,
  disks: readonly SourceDisk[],
  input: VmCloneInput,
): PlacementRequest {
  const facts = cloneFacts(xml);
  const placement = input.placement!;
  const network = firstNetwork(xml);
  return {
    vcpus: Math.max(1, src.vcpus ?? 1),
    memoryBytes: Math.max(MIB, src.memoryBytes ?? MIB),
    // A full clone needs what `qemu-img measure` said; a linked one an overlay, and its base where the
    // host has none yet: booked as a thin disk of that size.
    disks: disks.map((d) => ({
      sizeBytes: Math.max(1, d.requiredBytes),
      thin: input.mode === 'linked',
      ...(placement.pool ? { pool: placement.pool } : {}),
    })),
    ...(network ? { network } : {}),
    firmware: { uefi: facts.nvram !== null || /<loader\b[^>]*type=["']pflash/.test(xml), tpm: facts.tpm },
    requireKvm: /^\s*(?:<\?xml[^>]*>\s*)?<domain\b[^>]*\btype=["']kvm["']/.test(xml),
    labels: {},
    count: input.count,
    strategy: placement.strategy,
    ...(placement.hostId ? { manualHost: placement.hostId } : {}),
  };
}

/** Places and books the clones; the caller releases the booking when it starts no task. */
export function placeClones(
  deps: CloneDeps,
  src: VmSummary,
  xml: string,
  disks: readonly SourceDisk[],
  input: VmCloneInput,
): ReservedPlacement {
  const request = clonePlacementRequest(src, xml, disks, input);
  try {
    return deps.reservations.placeAndReserve(request, () => deps.placement.snapshot(src.projectId));
  } catch (err) {
    if (isPlacementError(err)) throw new AppError('VALIDATION', err.message, 'placement');
    throw err;
  }
}
