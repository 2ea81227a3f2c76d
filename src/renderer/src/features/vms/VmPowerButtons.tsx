import { Button, Flex, Tooltip } from '@patternfly/react-core';
import type { IconData } from '@patternfly/react-icons/dist/esm/createIcon';
import PauseIcon, { PauseIconConfig } from '@patternfly/react-icons/dist/esm/icons/pause-icon';
import PlayIcon, { PlayIconConfig } from '@patternfly/react-icons/dist/esm/icons/play-icon';
import PowerOffIcon, { PowerOffIconConfig } from '@patternfly/react-icons/dist/esm/icons/power-off-icon';
import RedoIcon, { RedoIconConfig } from '@patternfly/react-icons/dist/esm/icons/redo-icon';
import StopIcon, { StopIconConfig } from '@patternfly/react-icons/dist/esm/icons/stop-icon';
import type { CSSProperties, ReactElement } from 'react';
import { POWER_ACTIONS, type PowerActionName, type VmSummary } from '../../../../shared/domain/vm';
import { POWER_LABEL, powerEnabled } from './power';

// One element per icon, made once: React skips an element it meets again. set="default": one <svg><path>
// each; without it PatternFly draws both its icon sets inside every icon (two nested SVGs, one hidden).
const ICON: Record<PowerActionName, ReactElement> = {
  start: <PlayIcon set="default" />,
  shutdown: <PowerOffIcon set="default" />,
  destroy: <StopIcon set="default" />,
  reboot: <RedoIcon set="default" />,
  suspend: <PauseIcon set="default" />,
  resume: <PlayIcon set="default" />,
};

const ICON_DATA: Record<PowerActionName, IconData> = {
  start: PlayIconConfig.icon,
  shutdown: PowerOffIconConfig.icon,
  destroy: StopIconConfig.icon,
  reboot: RedoIconConfig.icon,
  suspend: PauseIconConfig.icon,
  resume: PlayIconConfig.icon,
};

let masks: Record<PowerActionName, CSSProperties> | null = null;

/**
 * The list rows draw their icons with CSS (vms.css: .qhci-power-icon masks its ::before with the icon),
 * so a row's six buttons are six elements rather than six buttons holding a span, an svg and a path:
 * a keystroke that changes the VMs in view lays out and updates far less. The same PatternFly icons, as
 * data: URLs of SVG documents built with the DOM and serialised (made once, on first use).
 */
function maskStyle(action: PowerActionName): CSSProperties {
  if (masks === null) {
    const ns = 'http://www.w3.org/2000/svg';
    const serializer = new XMLSerializer();
    const url = (icon: IconData) => {
      const svg = document.createElementNS(ns, 'svg');
      svg.setAttribute('viewBox', `${icon.xOffset ?? 0} ${icon.yOffset ?? 0} ${icon.width} ${icon.height}`);
      const paths =
        typeof icon.svgPathData === 'string'
          ? [icon.svgPathData]
          : (icon.svgPathData ?? []).map((p) => p.path);
      for (const d of paths) svg.appendChild(document.createElementNS(ns, 'path')).setAttribute('d', d);
      return `url("data:image/svg+xml,${encodeURIComponent(serializer.serializeToString(svg))}")`;
    };
    masks = Object.fromEntries(
      POWER_ACTIONS.map((a) => [a, { '--qhci-power-icon': url(ICON_DATA[a]) } as CSSProperties]),
    ) as Record<PowerActionName, CSSProperties>;
  }
  return masks[action];
}

const HINT: Record<PowerActionName, string> = {
  start: 'Boot the virtual machine',
  shutdown: 'Ask the guest to shut down (ACPI)',
  destroy: 'Cut the power at once, like pulling the plug',
  reboot: 'Ask the guest to reboot',
  suspend: 'Pause the virtual machine in memory',
  resume: 'Continue a paused virtual machine',
};

/**
 * Start, Shut down, Force off, Reboot, Suspend, Resume for one VM, each enabled only in the states where it
 * applies. While one runs (`pending`), the row's buttons wait.
 */
export function VmPowerButtons(props: {
  vm: VmSummary;
  pending: PowerActionName | null;
  onAction: (action: PowerActionName) => void;
  /** Icons only (the list's rows); the label stays the button's accessible name and tooltip. */
  compact?: boolean;
  /** A list's spare row (VmTable): the buttons are out of the tab order and have no test ids. */
  spare?: boolean;
}) {
  const { vm, pending } = props;
  const enabled = (action: PowerActionName) =>
    pending === null && vm.state !== 'creating' && powerEnabled(action, vm.state);
  if (props.compact) {
    // A list's rows: plain buttons with PatternFly's classes and a native title as the hint, in a plain
    // line (vms.css). A Tooltip and a Button per action, and PatternFly's Flex, cost too much to render and
    // lay out on every keystroke of a filter.
    // Disabled shows from aria-disabled alone (vms.css), not from PatternFly's pf-m-aria-disabled: toggling
    // that class restyles a button about twenty times slower, and a keystroke that changes the VMs in view
    // toggles it on dozens of buttons.
    return (
      <div className="qhci-power-buttons qhci-power-line">
        {POWER_ACTIONS.map((action) => {
          return (
            <button
              key={action}
              type="button"
              className={`pf-v6-c-button pf-m-plain pf-m-small qhci-power-icon${action === 'destroy' ? ' pf-m-danger' : ''}${pending === action ? ' pf-m-in-progress' : ''}`}
              style={maskStyle(action)}
              aria-disabled={!enabled(action)}
              onClick={enabled(action) ? () => props.onAction(action) : undefined}
              aria-label={`${POWER_LABEL[action]} ${vm.name}`}
              title={`${POWER_LABEL[action]}: ${HINT[action]}`}
              tabIndex={props.spare ? -1 : undefined}
              data-testid={props.spare ? undefined : `vm-power-${action}-${vm.name}`}
            />
          );
        })}
      </div>
    );
  }
  return (
    <Flex gap={{ default: 'gapNone' }} flexWrap={{ default: 'nowrap' }} className="qhci-power-buttons">
      {POWER_ACTIONS.map((action) => {
        return (
          <Tooltip key={action} content={HINT[action]}>
            <Button
              variant="plain"
              size="sm"
              isDanger={action === 'destroy'}
              icon={ICON[action]}
              isAriaDisabled={!enabled(action)}
              isLoading={pending === action}
              onClick={() => props.onAction(action)}
              aria-label={`${POWER_LABEL[action]} ${vm.name}`}
              data-testid={`vm-power-${action}-${vm.name}`}
            >
              {POWER_LABEL[action]}
            </Button>
          </Tooltip>
        );
      })}
    </Flex>
  );
}
