import { Alert, FormGroup, FormSelect, FormSelectOption, Radio, Spinner } from '@patternfly/react-core';
import {
  PLACEMENT_STRATEGIES,
  type PlacementOutcome,
  type PlacementStrategy,
} from '../../../../shared/domain/placement';
import type { HostSummary, StoredPool } from '../../../../shared/domain/host';
import { FieldError } from '../../components/FieldError';
import { PlacementTable } from '../wizard/PlacementTable';
import { STRATEGY_LABELS } from '../wizard/steps/placement';
import { placedOn, type CloneDraft, type CloneField } from './draft';

/** Where the clones go: the source's host, the scheduler's choice, or a chosen host and pool, with the dry run. */
export function CloneDestination(props: {
  draft: CloneDraft;
  errors: Partial<Record<CloneField, string>>;
  sourceHostName: string;
  hosts: readonly HostSummary[];
  /** The chosen host's pools (destination "host"), when read. */
  pools: readonly StoredPool[] | undefined;
  outcome: PlacementOutcome | undefined;
  outcomeStale: boolean;
  outcomeError: string | null;
  onChange: (patch: Partial<CloneDraft>) => void;
}) {
  const { draft, onChange } = props;
  const where = placedOn(props.outcome, props.hosts);
  return (
    <>
      <FormGroup role="radiogroup" label="Where the clones go" fieldId="clone-destination" isStack>
        <Radio
          id="clone-destination-source"
          name="clone-destination"
          label={`Same host: ${props.sourceHostName}`}
          description="Beside the source, in the same storage pools."
          isChecked={draft.destination === 'source'}
          onChange={() => onChange({ destination: 'source' })}
          data-testid="clone-destination-source"
        />
        <Radio
          id="clone-destination-scheduler"
          name="clone-destination"
          label="Placed by the scheduler"
          description="The same checks and scores as creating a VM; bulk clones are spread over the hosts."
          isChecked={draft.destination === 'scheduler'}
          onChange={() => onChange({ destination: 'scheduler' })}
          data-testid="clone-destination-scheduler"
        />
        <Radio
          id="clone-destination-host"
          name="clone-destination"
          label="A host and pool I choose"
          description="The host is still checked; what it lacks is shown."
          isChecked={draft.destination === 'host'}
          onChange={() => onChange({ destination: 'host' })}
          data-testid="clone-destination-host"
        />
      </FormGroup>
      {draft.destination === 'scheduler' && (
        <FormGroup label="Strategy" fieldId="clone-strategy">
          <FormSelect
            id="clone-strategy"
            value={draft.strategy}
            onChange={(_e, v) => onChange({ strategy: v as PlacementStrategy })}
            data-testid="clone-strategy"
          >
            {PLACEMENT_STRATEGIES.map((s) => (
              <FormSelectOption key={s} value={s} label={STRATEGY_LABELS[s]} />
            ))}
          </FormSelect>
        </FormGroup>
      )}
      {draft.destination === 'host' && (
        <>
          <FormGroup label="Host" isRequired fieldId="clone-host">
            <FormSelect
              id="clone-host"
              value={draft.hostId}
              onChange={(_e, v) => onChange({ hostId: v, pool: '' })}
              validated={props.errors.host ? 'error' : 'default'}
              data-testid="clone-host"
            >
              <FormSelectOption value="" label="Choose a host" isPlaceholder />
              {props.hosts.map((h) => (
                <FormSelectOption key={h.id} value={h.id} label={h.name} />
              ))}
            </FormSelect>
            <FieldError message={props.errors.host} testId="clone-host-error" />
          </FormGroup>
          <FormGroup label="Storage pool" fieldId="clone-pool">
            <FormSelect
              id="clone-pool"
              value={draft.pool}
              onChange={(_e, v) => onChange({ pool: v })}
              isDisabled={draft.hostId === ''}
              data-testid="clone-pool"
            >
              <FormSelectOption
                value=""
                label="The source’s pools where the host has them, else the scheduler’s"
              />
              {(props.pools ?? []).map((p) => (
                <FormSelectOption
                  key={p.id}
                  value={p.name}
                  label={p.state === 'running' ? p.name : `${p.name} (${p.state})`}
                />
              ))}
            </FormSelect>
          </FormGroup>
        </>
      )}
      {draft.destination !== 'source' && (
        <FormGroup label="Where the scheduler puts them now" fieldId="clone-placement">
          {props.outcomeError !== null && (
            <Alert variant="danger" isInline title={props.outcomeError} data-testid="clone-placement-error" />
          )}
          {props.outcome === undefined && props.outcomeError === null && (
            <Spinner size="md" aria-label="Asking the scheduler" />
          )}
          {where !== null && (
            <p data-testid="clone-placed-on">
              {draft.count === 1 ? 'The clone goes to ' : `The ${draft.count} clones go to `}
              <strong>{where}</strong>.
            </p>
          )}
          <PlacementTable outcome={props.outcome} stale={props.outcomeStale} />
        </FormGroup>
      )}
    </>
  );
}
