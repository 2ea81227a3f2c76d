import { Alert, AlertActionCloseButton } from '@patternfly/react-core';
import { describeReport, type SyncOutcome } from './useHostSync';

/** How the last "Sync now" ended; dismissable. */
export function SyncOutcomeAlert(props: { outcome: SyncOutcome | null; onClose: () => void }) {
  const { outcome } = props;
  if (outcome === null) return null;
  const close = <AlertActionCloseButton onClose={props.onClose} aria-label="Dismiss" />;
  if ('error' in outcome) {
    return (
      <Alert
        variant="danger"
        isInline
        title={`Sync of ${outcome.host} failed`}
        actionClose={close}
        data-testid="host-sync-error"
      >
        {outcome.error}
      </Alert>
    );
  }
  const warnings = outcome.report.warnings;
  return (
    <Alert
      variant={warnings.length > 0 ? 'warning' : 'success'}
      isInline
      isPlain={warnings.length === 0}
      title={`Synced ${outcome.host}: ${describeReport(outcome.report)}`}
      actionClose={close}
      data-testid="host-sync-result"
    >
      {warnings.length > 0 && (
        <ul>
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
