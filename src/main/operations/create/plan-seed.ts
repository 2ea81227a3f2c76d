/**
 * The cloud-init seed of each VM of a create request: the customization spec and the request's own
 * overrides (with the password hashed once for all VMs) merged by buildSeed. Part of plan.ts.
 */
import type { GuestProfile } from '../../../shared/domain/guest-profiles';
import type { CreateVmRequest } from '../../../shared/domain/provision';
import type { AppSettingsValue } from '../../../shared/domain/settings';
import { hashPassword } from '../../cloudinit/password';
import { buildSeed, type Seed, type SeedSpec } from '../../cloudinit/seed';
import type { SpecsRepo } from '../../inventory/specs.repo';

/** What differs between the seeds of one request's VMs. */
export interface SeedTarget {
  readonly vmName: string;
  readonly instanceId: string;
  /** The VM's 1-based number in the request. */
  readonly index: number;
  readonly hostName: string;
}

function seedSpecOf(specRecord: ReturnType<SpecsRepo['getRecord']>): SeedSpec | null {
  return specRecord
    ? {
        hostnameTemplate: specRecord.hostnameTemplate,
        timezone: specRecord.timezone,
        sshKeys: specRecord.sshKeys,
        passwordHash: specRecord.adminPasswordHash,
        installAgent: specRecord.installAgent,
        userData: specRecord.userData,
        metaData: specRecord.metaData,
        networkConfig: specRecord.networkConfig,
      }
    : null;
}

/** The seed builder of a request: what its VMs share is settled once, here. */
export function seedPlanner(
  request: CreateVmRequest,
  profile: GuestProfile,
  specRecord: ReturnType<SpecsRepo['getRecord']>,
  agent: AppSettingsValue['agent'],
): (vm: SeedTarget) => Seed {
  const custom = request.customization;
  const passwordHash = custom?.password !== undefined ? hashPassword(custom.password) : undefined;
  const spec = seedSpecOf(specRecord);
  return (vm) =>
    buildSeed({
      ...vm,
      profile,
      spec,
      overrides: {
        hostname: custom?.hostname,
        timezone: custom?.timezone,
        user: custom?.user,
        sshKeys: custom?.sshKeys,
        passwordHash,
        installAgent: custom?.installAgent,
        userData: custom?.userData,
        userDataMode: custom?.userDataMode ?? 'merge',
        networkConfig: custom?.networkConfig,
      },
      agent,
    });
}
