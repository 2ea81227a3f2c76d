/**
 * Which clone and template actions a VM offers, and why one is off: pure rules over the VM's summary, shared
 * by the VM page and the list's row menu. A template is never started: its page offers a new linked clone
 * in place of the power buttons. Main checks all of this again; these rules only keep the buttons honest.
 */
import type { VmSummary } from '../../../../shared/domain/vm';

export const VM_ACTIONS = ['clone', 'linked-clone', 'convert', 'detach', 'migrate'] as const;
export type VmActionName = (typeof VM_ACTIONS)[number];

export const VM_ACTION_LABEL: Record<VmActionName, string> = {
  clone: 'Clone…',
  'linked-clone': 'New linked clone…',
  convert: 'Convert to template…',
  detach: 'Detach from template…',
  migrate: 'Migrate…',
};

export const VM_ACTION_HINT: Record<VmActionName, string> = {
  clone: 'Make one or more independent copies of this VM',
  'linked-clone': 'Make VMs whose disks are overlays on this template’s, in seconds',
  convert: 'Make this VM a template for linked clones; it can no longer be started',
  detach: 'Copy the template’s data into this clone, so that it no longer depends on it',
  migrate: 'Move it to another host: live when it runs, cold when shut off',
};

export interface ActionState {
  /** Whether the action belongs to this kind of VM at all (a template is not converted again). */
  readonly shown: boolean;
  readonly enabled: boolean;
  /** Why it is off, in words, when shown and not enabled. */
  readonly reason: string | null;
}

type VmFacts = Pick<VmSummary, 'name' | 'state' | 'template' | 'linked'>;

const on: ActionState = { shown: true, enabled: true, reason: null };
const hidden: ActionState = { shown: false, enabled: false, reason: null };
const off = (reason: string): ActionState => ({ shown: true, enabled: false, reason });

/** The state's own reason to refuse anything, or null. */
function busyReason(vm: VmFacts): string | null {
  if (vm.state === 'creating') return `${vm.name} is still being created`;
  return null;
}

export function vmActionState(vm: VmFacts, action: VmActionName): ActionState {
  const busy = busyReason(vm);
  switch (action) {
    case 'clone':
      // A template's clones come from "New linked clone…", whose dialog also offers a full copy.
      if (vm.template) return hidden;
      if (busy) return off(busy);
      return vm.state === 'shutoff' ? on : off(`Shut ${vm.name} down first: only a shut-off VM is cloned`);
    case 'linked-clone':
      return vm.template ? on : hidden;
    case 'convert':
      if (vm.template) return hidden;
      if (busy) return off(busy);
      // A running VM is shut down first, after the confirmation says so; a paused one is refused by main.
      return vm.state === 'shutoff' || vm.state === 'running'
        ? on
        : off(`${vm.name} must be shut off or running to become a template`);
    case 'detach':
      if (!vm.linked) return hidden;
      if (busy) return off(busy);
      return vm.state === 'shutoff' ? on : off(`Shut ${vm.name} down first: its disks are rewritten`);
    case 'migrate':
      // A template stays on its host: its linked clones stand on its disks there.
      if (vm.template) return hidden;
      if (busy) return off(busy);
      return vm.state === 'shutoff' || vm.state === 'running'
        ? on
        : off(`${vm.name} must be running or shut off to migrate`);
  }
}

/** The actions shown for this VM, in menu order, with their state. */
export function vmActions(vm: VmFacts): readonly { action: VmActionName; state: ActionState }[] {
  return VM_ACTIONS.map((action) => ({ action, state: vmActionState(vm, action) })).filter(
    (a) => a.state.shown,
  );
}

/** What kind of VM it is, for labels and the list's filter. */
export type VmKind = 'vm' | 'template' | 'linked';
export function vmKind(vm: Pick<VmSummary, 'template' | 'linked'>): VmKind {
  return vm.template ? 'template' : vm.linked ? 'linked' : 'vm';
}

/** The VMs cloned from this one (its linked clones first, then full clones), by name. */
export function clonesOf<T extends Pick<VmSummary, 'parentId' | 'linked' | 'name'>>(
  vms: readonly T[],
  parentId: string,
): { linked: T[]; full: T[] } {
  const mine = vms.filter((v) => v.parentId === parentId);
  const byName = (a: T, b: T) => a.name.localeCompare(b.name, undefined, { numeric: true });
  return {
    linked: mine.filter((v) => v.linked).sort(byName),
    full: mine.filter((v) => !v.linked).sort(byName),
  };
}
