/** How VM states are written and coloured. */
import type { VmState } from '../../../../shared/domain/vm';
import type { LabelStatus } from '../../components/StaticLabel';

export const STATE_TEXT: Record<VmState, string> = {
  running: 'Running',
  paused: 'Paused',
  shutoff: 'Shut off',
  crashed: 'Crashed',
  pmsuspended: 'Suspended (guest)',
  creating: 'Creating',
  unknown: 'Unknown',
};

export const STATE_STATUS: Record<VmState, LabelStatus | undefined> = {
  running: 'success',
  paused: 'warning',
  shutoff: undefined,
  crashed: 'danger',
  pmsuspended: 'info',
  creating: 'info',
  unknown: undefined,
};
