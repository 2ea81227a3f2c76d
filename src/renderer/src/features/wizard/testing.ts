/** Fixtures for the wizard's unit tests: facts and dry-run outcomes shaped as main returns them. */
import type { HostSummary } from '../../../../shared/domain/host';
import type { HostEvaluation, PlacementOutcome } from '../../../../shared/domain/placement';
import type { ImageSummary } from '../../../../shared/domain/provision';
import { EMPTY_FACTS, MiB, type WizardFacts } from './draft';

export const HOST_A = '11111111-1111-4111-8111-111111111111';
export const HOST_B = '22222222-2222-4222-8222-222222222222';
export const IMAGE_ID = '33333333-3333-4333-8333-333333333333';

export function host(id: string, name: string): HostSummary {
  return { id, name, state: 'connected', maintenance: false } as HostSummary;
}

export function row(
  hostId: string,
  hostName: string,
  failed: readonly string[] = [],
  reasons: readonly string[] = [],
) {
  return {
    hostId,
    hostName,
    feasible: failed.length === 0,
    reasons,
    failed,
    scores: {
      strategy: 5,
      strategyName: 'spread',
      poolAffinity: 0,
      poolMatch: 0,
      poolFree: 0,
      imagePresent: 0,
      accelerator: 0,
      total: 5,
    },
    free: { vcpus: 8, memoryBytes: 8 * 1024 * MiB },
    placed: failed.length === 0 ? 1 : 0,
  } satisfies HostEvaluation;
}

export function placed(hostId: string, hostName: string): PlacementOutcome {
  return {
    ok: true,
    result: {
      chosen: [hostId],
      placements: [
        { hostId, hostName, diskPools: ['default'], poolBytes: { default: MiB }, uploadImage: false },
      ],
      table: [row(hostId, hostName)],
    },
  };
}

export function noHost(
  table: readonly HostEvaluation[],
  kind: 'no-feasible-host' | 'manual-host-infeasible' = 'no-feasible-host',
): PlacementOutcome {
  return { ok: false, failure: { kind, message: 'No feasible nodes found', index: 0, placed: [], table } };
}

export const cloudImage: ImageSummary = {
  id: IMAGE_ID,
  hostId: HOST_A,
  hostName: 'kvm-a',
  pool: 'default',
  name: 'noble-cloud.qcow2',
  path: '/var/lib/libvirt/images/noble-cloud.qcow2',
  kind: 'cloud-image',
  format: 'qcow2',
  virtualBytes: 2048 * MiB,
  allocationBytes: 600 * MiB,
  backingPath: null,
  usedBy: 0,
  attached: false,
};

export function facts(patch: Partial<WizardFacts> = {}): WizardFacts {
  return {
    ...EMPTY_FACTS,
    hosts: [host(HOST_A, 'kvm-a'), host(HOST_B, 'sim-b')],
    placement: placed(HOST_A, 'kvm-a'),
    ...patch,
  };
}
