import PauseIcon from '@patternfly/react-icons/dist/esm/icons/pause-icon';
import PlayIcon from '@patternfly/react-icons/dist/esm/icons/play-icon';
import PowerOffIcon from '@patternfly/react-icons/dist/esm/icons/power-off-icon';
import RedoIcon from '@patternfly/react-icons/dist/esm/icons/redo-icon';
import StopIcon from '@patternfly/react-icons/dist/esm/icons/stop-icon';
import type { ReactElement } from 'react';
import type { PowerActionName } from '../../../../shared/domain/vm';
import type { MaskIcon } from '../../components/icon-masks';

// One element per icon, made once: React skips an element it meets again. set="default": one <svg><path>
// each; without it PatternFly draws both its icon sets inside every icon (two nested SVGs, one hidden).
export const POWER_ICON: Record<PowerActionName, ReactElement> = {
  start: <PlayIcon set="default" />,
  shutdown: <PowerOffIcon set="default" />,
  destroy: <StopIcon set="default" />,
  reboot: <RedoIcon set="default" />,
  suspend: <PauseIcon set="default" />,
  resume: <PlayIcon set="default" />,
};

/** The same icons drawn by CSS (icon-masks.ts), for the list rows' buttons. */
export const POWER_MASK: Record<PowerActionName, MaskIcon> = {
  start: 'play',
  shutdown: 'power-off',
  destroy: 'stop',
  reboot: 'redo',
  suspend: 'pause',
  resume: 'play',
};
