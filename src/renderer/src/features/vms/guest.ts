/** What the VM page says of a guest's signs of life: pure, from the host's answer and how long it has run. */
import type { VmGuestStatus } from '../../../../shared/domain/vm';

/** Under KVM a guest that boots at all answers DHCP or its agent well within this. */
export const NO_LIFE_WARNING_MS = 150_000;

export interface GuestSummary {
  readonly text: string;
  /** Long enough under KVM with nothing: the host's KVM may be unable to run it. */
  readonly warning: string | null;
}

export function guestSummary(g: VmGuestStatus, runningForMs: number): GuestSummary {
  const where = g.addresses.join(', ');
  if (g.source === 'agent') return { text: `Guest agent answering · ${where}`, warning: null };
  if (g.source === 'lease')
    return {
      text: `DHCP lease ${where}${g.agent ? ' · guest agent answering' : ' · no guest agent'}`,
      warning: null,
    };
  if (g.agent) return { text: 'Guest agent answering · no address yet', warning: null };
  const stuck = g.domainType === 'kvm' && runningForMs >= NO_LIFE_WARNING_MS;
  return {
    text: 'No sign of life yet: no guest agent, no DHCP lease',
    warning: stuck
      ? `Running for ${Math.round(runningForMs / 1000)} s under KVM with no sign of life. On some nested-KVM ` +
        "hosts a real kernel hangs right after the boot loader: if this guest's console shows nothing more, " +
        "set the host's accelerator to TCG (emulation) on its page."
      : null,
  };
}
