/** Which power actions make sense in which VM state, and how they are labelled. */
import type { PowerActionName, VmState, VmSummary } from '../../../../shared/domain/vm';

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

/**
 * Whether an action can be asked of this VM now: it applies to its state, the VM is not being created nor
 * a template (never started), and no other action of the console's is running on it (`pending`).
 */
export function powerAvailable(
  vm: Pick<VmSummary, 'state'> & { readonly template?: boolean },
  pending: PowerActionName | null,
  action: PowerActionName,
): boolean {
  return pending === null && vm.state !== 'creating' && !vm.template && powerEnabled(action, vm.state);
}

/** What each action does, for its tooltip or menu item. */
export const POWER_HINT: Record<PowerActionName, string> = {
  start: 'Boot the virtual machine',
  shutdown: 'Ask the guest to shut down (ACPI)',
  destroy: 'Cut the power at once, like pulling the plug',
  reboot: 'Ask the guest to reboot',
  suspend: 'Pause the virtual machine in memory',
  resume: 'Continue a paused virtual machine',
};

// In this order, the first that applies is a list row's one-click action: start a VM that is off, resume a
// paused one, shut a running one down. Force off, reboot and suspend are in the row's menu.
const PRIMARY: readonly PowerActionName[] = ['start', 'resume', 'shutdown'];

/** A list row's one-click power action for a VM in this state (Start, disabled, when none applies). */
export function primaryPowerAction(state: VmState): PowerActionName {
  return PRIMARY.find((a) => powerEnabled(a, state)) ?? 'start';
}
