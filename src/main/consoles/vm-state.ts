/** A VM's state as the consoles need it: to refuse a stopped VM clearly, and to say why a stream ended. */
import { AppError } from '../../shared/domain/errors';
import type { HostDriver } from '../hosts/driver';

/** The states (as `virsh domstate` names them) in which QEMU runs, with its display and serial port. */
const QEMU_RUNS = new Set(['running', 'idle', 'blocked', 'paused', 'in shutdown', 'pmsuspended']);

export function qemuRuns(state: string): boolean {
  return QEMU_RUNS.has(state);
}

const NO_DOMAIN = /failed to get domain|domain not found|no domain with matching/i;

/** The VM's state; NOT_FOUND if the host does not know it. */
export async function domainState(driver: HostDriver, uuid: string, timeoutMs = 30_000): Promise<string> {
  try {
    return (await driver.virsh(['domstate', '--domain', uuid], { timeoutMs })).trim();
  } catch (err) {
    if (err instanceof AppError && NO_DOMAIN.test(err.message))
      throw new AppError('NOT_FOUND', 'The VM is no longer defined on its host');
    throw err;
  }
}

export function notRunning(state: string, what: string): AppError {
  return new AppError('CONFLICT', `The VM is not running (${state}): start it to ${what}`);
}

export type StateNow =
  | { readonly kind: 'running' }
  | { readonly kind: 'stopped'; readonly state: string }
  | { readonly kind: 'lost'; readonly message: string };

/**
 * The VM's state after a stream ended, for whyEnded: not asked at all, or not answered, means the host is
 * out of reach. A short timeout: the page waits for this answer.
 */
export async function stateAfterEnd(driver: HostDriver, uuid: string): Promise<StateNow> {
  try {
    const state = await domainState(driver, uuid, 10_000);
    return qemuRuns(state) ? { kind: 'running' } : { kind: 'stopped', state };
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND') return { kind: 'stopped', state: 'undefined' };
    return { kind: 'lost', message: `The host is out of reach: ${(err as Error).message}` };
  }
}

export function stoppedMessage(state: string): string {
  return state === 'undefined' ? 'The VM is no longer defined on its host' : `The VM stopped (${state})`;
}
