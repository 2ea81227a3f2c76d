/**
 * Moving a VM to another host: the request (app and `qhci vm migrate`) and the preflight shown before
 * anything moves. A running VM migrates live, a shut-off one cold; disks keep their paths and their
 * backing chains on the destination.
 */
import { z } from 'zod';
import { Id } from './names';
import type { HostEvaluation } from './placement';

export const MigrationTransport = z.enum(['auto', 'direct', 'console'], {
  message: 'Transport must be auto, direct or console',
});

export const VmMigrateInput = z.strictObject({
  vmId: Id,
  /** Omitted: the scheduler chooses among the other hosts. */
  toHostId: Id.optional(),
  /**
   * How disk data travels: directly between the hosts (libvirt's storage migration), or through the console's
   * own two connections (checksum-verified). auto: direct when the source reaches the destination.
   */
  transport: MigrationTransport.default('auto'),
});
export type VmMigrateInput = z.output<typeof VmMigrateInput>;

export type PreflightStatus = 'ok' | 'warn' | 'fail' | 'todo';

/** One line of the preflight: what was checked, and what it found. `todo`: work migration will do first. */
export interface PreflightCheck {
  readonly id: string;
  readonly label: string;
  readonly status: PreflightStatus;
  readonly detail: string;
}

/** A file the migration puts on the destination before (or instead of) libvirt's own copy. */
export interface MigrationCopy {
  readonly path: string;
  readonly bytes: number;
  readonly what: 'base' | 'overlay' | 'disk' | 'iso' | 'nvram';
}

export interface MigrationPreflight {
  readonly vmId: string;
  readonly fromHostId: string;
  readonly toHostId: string;
  readonly toHostName: string;
  readonly mode: 'live' | 'cold';
  readonly transport: 'direct' | 'console';
  /** False when any check failed: nothing would start. */
  readonly ok: boolean;
  readonly checks: readonly PreflightCheck[];
  readonly copies: readonly MigrationCopy[];
  /** The scheduler's judgement of the destination for this VM (the same explanation as placement). */
  readonly placement: HostEvaluation | null;
}
