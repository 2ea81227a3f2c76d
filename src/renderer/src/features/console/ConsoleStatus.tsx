import {
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Spinner,
} from '@patternfly/react-core';
import ExclamationCircleIcon from '@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon';
import PowerOffIcon from '@patternfly/react-icons/dist/esm/icons/power-off-icon';
import UnlinkIcon from '@patternfly/react-icons/dist/esm/icons/unlink-icon';
import { END_TITLE, type ConsoleView } from './session';

/**
 * The state of a console over its screen or terminal: connecting, over (and why), failed, or no console at
 * all because the VM is off. Connected (and the password prompt) show nothing here.
 */
export function ConsoleStatus(props: {
  view: ConsoleView | 'off';
  what: 'console' | 'serial console';
  onReconnect(): void;
  /** Said under the message (it will reconnect by itself). */
  note?: string | null;
  testId: string;
}) {
  const { view } = props;
  if (view === 'off') {
    return (
      <EmptyState
        titleText="The VM is not running"
        headingLevel="h2"
        icon={PowerOffIcon}
        variant="sm"
        className="qhci-console-status"
        data-testid={`${props.testId}-off`}
      >
        <EmptyStateBody>Start it to see its {props.what}.</EmptyStateBody>
      </EmptyState>
    );
  }
  if (view.s === 'connected' || view.s === 'password') return null;
  if (view.s === 'connecting') {
    return (
      <div className="qhci-console-status" data-testid={`${props.testId}-connecting`}>
        <Spinner size="lg" aria-label={`Connecting to the ${props.what}`} /> Connecting…
      </div>
    );
  }
  const reconnect = (
    <EmptyStateFooter>
      <EmptyStateActions>
        <Button onClick={props.onReconnect} data-testid={`${props.testId}-reconnect`}>
          Reconnect
        </Button>
      </EmptyStateActions>
    </EmptyStateFooter>
  );
  if (view.s === 'left') {
    return (
      <EmptyState
        titleText="Disconnected"
        headingLevel="h2"
        icon={UnlinkIcon}
        variant="sm"
        className="qhci-console-status"
        data-testid={`${props.testId}-left`}
      >
        <EmptyStateBody>You left the {props.what} with Ctrl+].</EmptyStateBody>
        {reconnect}
      </EmptyState>
    );
  }
  const failed = view.s === 'failed';
  return (
    <EmptyState
      titleText={failed ? `The ${props.what} could not connect` : END_TITLE[view.reason]}
      headingLevel="h2"
      icon={failed || view.reason === 'error' ? ExclamationCircleIcon : UnlinkIcon}
      status={failed || view.reason === 'error' ? 'danger' : undefined}
      variant="sm"
      className="qhci-console-status"
      data-testid={failed ? `${props.testId}-failed` : `${props.testId}-ended-${view.reason}`}
    >
      {/* Main's message often says no more than the title: then once is enough. */}
      {(failed || view.message !== END_TITLE[view.reason]) && (
        <EmptyStateBody data-testid={`${props.testId}-message`}>{view.message}</EmptyStateBody>
      )}
      {props.note && <EmptyStateBody data-testid={`${props.testId}-retry`}>{props.note}</EmptyStateBody>}
      {reconnect}
    </EmptyState>
  );
}
