import {
  Alert,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Radio,
  Spinner,
  TextInput,
} from '@patternfly/react-core';
import { PLACEMENT_STRATEGIES, type PlacementStrategy } from '../../../../../shared/domain/placement';
import { FieldError } from '../../../components/FieldError';
import { useWizard } from '../../../stores/wizard';
import type { StepErrors } from '../draft';
import { validated } from '../fields';
import { PlacementTable } from '../PlacementTable';
import type { WizardData } from '../useWizardData';
import { STRATEGY_LABELS } from './placement';

export function PlacementStep(props: { errors: StepErrors; data: WizardData }) {
  const { errors, data } = props;
  const d = useWizard((s) => s.draft.placement);
  const update = useWizard((s) => s.update);
  const hosts = data.hosts.data ?? [];
  const outcome = data.outcome;
  const chosen = outcome?.ok ? outcome.result.chosen : [];
  const chosenNames = [...new Set(chosen)].map((id) => hosts.find((h) => h.id === id)?.name ?? id);

  return (
    <Form onSubmit={(e) => e.preventDefault()} data-testid="wizard-placement">
      <FormGroup role="radiogroup" label="Where the VM runs" fieldId="wizard-placement-mode" isInline>
        <Radio
          id="wizard-placement-auto"
          data-testid="wizard-placement-auto"
          name="placement-mode"
          label="Let the scheduler choose"
          description="Runs the placement for this VM now and shows every host's verdict below."
          isChecked={d.mode === 'auto'}
          onChange={() => update('placement', { mode: 'auto' }, ['placement.mode'])}
        />
        <Radio
          id="wizard-placement-manual"
          data-testid="wizard-placement-manual"
          name="placement-mode"
          label="Pick a host"
          description="The host is still checked; what it lacks is shown."
          isChecked={d.mode === 'manual'}
          onChange={() =>
            update('placement', { mode: 'manual', hostId: d.hostId ?? hosts[0]?.id ?? null }, [
              'placement.mode',
            ])
          }
        />
      </FormGroup>
      {d.mode === 'auto' ? (
        <FormGroup label="Strategy" fieldId="wizard-strategy">
          <FormSelect
            id="wizard-strategy"
            data-testid="wizard-strategy"
            value={d.strategy}
            onChange={(_e, v) =>
              update('placement', { strategy: v as PlacementStrategy }, ['placement.strategy'])
            }
          >
            {PLACEMENT_STRATEGIES.map((s) => (
              <FormSelectOption key={s} value={s} label={STRATEGY_LABELS[s]} />
            ))}
          </FormSelect>
        </FormGroup>
      ) : (
        <FormGroup label="Host" isRequired fieldId="wizard-host">
          <FormSelect
            id="wizard-host"
            data-testid="wizard-host"
            value={d.hostId ?? ''}
            onChange={(_e, v) => update('placement', { hostId: v === '' ? null : v }, ['placement.hostId'])}
            validated={validated(errors.hostId)}
          >
            <FormSelectOption value="" label="Choose a host" isPlaceholder />
            {hosts.map((h) => (
              <FormSelectOption
                key={h.id}
                value={h.id}
                label={`${h.name} (${h.state}${h.maintenance ? ', maintenance' : ''})`}
              />
            ))}
          </FormSelect>
          <FieldError message={errors.hostId} testId="wizard-host-error" />
        </FormGroup>
      )}
      {d.mode === 'auto' && <FieldError message={errors.hostId} testId="wizard-host-error" />}
      <FormGroup label="Anti-affinity group" fieldId="wizard-group">
        <TextInput
          id="wizard-group"
          data-testid="wizard-group"
          value={d.antiAffinityGroup}
          onChange={(_e, antiAffinityGroup) =>
            update('placement', { antiAffinityGroup }, ['placement.antiAffinityGroup'])
          }
          validated={validated(errors.antiAffinityGroup)}
          placeholder="Optional, e.g. web-tier"
          aria-describedby="wizard-group-help"
        />
        <FieldError message={errors.antiAffinityGroup} testId="wizard-group-error" />
        <FormHelperText>
          <HelperText id="wizard-group-help">
            <HelperTextItem>No two members of a group run on the same host.</HelperTextItem>
          </HelperText>
        </FormHelperText>
      </FormGroup>

      {errors.placement !== undefined && (
        <Alert variant="danger" isInline title={errors.placement} data-testid="wizard-placement-error" />
      )}
      {data.placement.isPending && hosts.length > 0 && (
        <Spinner size="md" aria-label="Running the placement" />
      )}
      {outcome?.ok && (
        <Alert
          variant="info"
          isInline
          isPlain
          data-testid="wizard-placement-summary"
          title={
            d.mode === 'manual'
              ? `${chosenNames.join(', ')} can take ${chosen.length === 1 ? 'the VM' : `the ${chosen.length} VMs`}.`
              : `The scheduler places ${chosen.length === 1 ? 'the VM' : `the ${chosen.length} VMs`} on ${chosenNames.join(', ')}.`
          }
        />
      )}
      <PlacementTable outcome={outcome} stale={data.outcomeStale} />
    </Form>
  );
}
