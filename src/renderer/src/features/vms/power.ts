/** Which power actions make sense in which VM state, and how they are labelled. */
import type { PowerActionName, VmState } from '../../../../shared/domain/vm';

export const POWER_LABEL: Record<PowerActionName, string> = {
  start: 'Start',
  shutdown: 'Shut down',
  destroy: 'Force off',
  reboot: 'Reboot',
  suspend: 'Suspend',
  resume: 'Resume',
};

const ENABLED: Record<PowerActionName, readonly VmState[]> = {
  start: ['shutoff', 'crashed'],
  shutdown: ['running'],
  destroy: ['running', 'paused', 'pmsuspended'],
  reboot: ['running'],
  suspend: ['running'],
  resume: ['paused'],
};

export function powerEnabled(action: PowerActionName, state: VmState): boolean {
  return ENABLED[action].includes(state);
}
