import {
  Alert,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  List,
  ListItem,
  Spinner,
} from '@patternfly/react-core';
import type { SnapshotPlan } from '../../../../shared/domain/snapshot';
import { planText } from './plan';

/** What taking the snapshot would do (mode, memory against the pool's free space), or why it cannot. */
export function PlanPanel(props: { plan: SnapshotPlan | undefined; error: string | null; loading: boolean }) {
  if (props.error !== null) {
    return (
      <Alert
        variant="danger"
        isInline
        title="The host could not say what the snapshot would do"
        data-testid="snapshot-plan-error"
      >
        {props.error}
      </Alert>
    );
  }
  if (props.plan === undefined || props.loading) {
    return (
      <div className="qhci-subtle" data-testid="snapshot-plan-loading">
        <Spinner size="sm" aria-label="Asking the host" /> Asking the host what the snapshot would do…
      </div>
    );
  }
  const t = planText(props.plan);
  return (
    <Alert
      variant={t.ok ? 'info' : 'danger'}
      isInline
      title={t.title}
      data-testid={t.ok ? 'snapshot-plan' : 'snapshot-plan-refusal'}
    >
      <DescriptionList isHorizontal isCompact termWidth="8rem">
        {t.facts.map(([term, value]) => (
          <DescriptionListGroup key={term}>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription
              data-testid={`snapshot-plan-${term.toLowerCase().replace(/\W+/g, '-')}`}
            >
              {value}
            </DescriptionListDescription>
          </DescriptionListGroup>
        ))}
      </DescriptionList>
      {t.notes.length > 0 && (
        <List className="qhci-snapshot-plan-notes" data-testid="snapshot-plan-notes">
          {t.notes.map((n) => (
            <ListItem key={n}>{n}</ListItem>
          ))}
        </List>
      )}
    </Alert>
  );
}
