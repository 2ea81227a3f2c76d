import {
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  HelperText,
  HelperTextItem,
  NumberInput,
  TextInput,
} from '@patternfly/react-core';
import { FieldError } from '../../../components/FieldError';
import { useWizard } from '../../../stores/wizard';
import { parseCount, type StepErrors } from '../draft';
import { validated } from '../fields';
import { HostFree } from '../HostFree';
import { PlacementTable } from '../PlacementTable';
import type { WizardData } from '../useWizardData';
import { CPU_MODE_CHOICES, cpuModelsFor, MEMORY_PRESETS } from './compute';
import { ACCELERATOR_LABELS, ACCELERATORS, type Accelerator } from '../../../../../shared/domain/cpu';

const CUSTOM = 'custom';

function Counter(props: {
  id: string;
  label: string;
  value: string;
  max: number;
  error: string | undefined;
  onChange: (v: string) => void;
}) {
  const n = parseCount(props.value);
  return (
    <FormGroup label={props.label} isRequired fieldId={props.id}>
      <NumberInput
        id={props.id}
        inputName={props.id}
        inputAriaLabel={props.label}
        minusBtnAriaLabel={`Fewer ${props.label.toLowerCase()}`}
        plusBtnAriaLabel={`More ${props.label.toLowerCase()}`}
        value={n ?? ''}
        min={1}
        max={props.max}
        onMinus={() => props.onChange(String(Math.max(1, (n ?? 1) - 1)))}
        onPlus={() => props.onChange(String(Math.min(props.max, (n ?? 0) + 1)))}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).value)}
        validated={validated(props.error)}
        inputProps={{ 'data-testid': props.id } as object}
      />
      <FieldError message={props.error} testId={`${props.id}-error`} />
    </FormGroup>
  );
}

/** The guest CPU mode (automatic, a mode, or a model the host lists as usable) and the accelerator. */
function CpuFields(props: { errors: StepErrors; data: WizardData; manualHost: string | null }) {
  const { errors } = props;
  const d = useWizard((s) => s.draft.compute);
  const update = useWizard((s) => s.update);
  const cpuMode = d.cpuMode ?? 'auto';
  const accelerator = d.accelerator ?? 'auto';
  const models = cpuModelsFor(props.data.facts.hosts, props.manualHost);
  const known = CPU_MODE_CHOICES.some((c) => c.value === cpuMode) || models.includes(cpuMode);
  return (
    <Grid hasGutter md={6}>
      <GridItem>
        <FormGroup label="CPU mode" fieldId="wizard-cpu-mode">
          <FormSelect
            id="wizard-cpu-mode"
            data-testid="wizard-cpu-mode"
            value={cpuMode}
            onChange={(_e, v) => update('compute', { cpuMode: v }, ['compute.cpuMode'])}
            validated={validated(errors.cpuMode)}
            aria-describedby="wizard-cpu-mode-help"
          >
            {CPU_MODE_CHOICES.map((c) => (
              <FormSelectOption key={c.value} value={c.value} label={c.label} />
            ))}
            {!known && <FormSelectOption value={cpuMode} label={cpuMode} />}
            {models.map((m) => (
              <FormSelectOption key={`model-${m}`} value={m} label={`Model ${m}`} />
            ))}
          </FormSelect>
          <FieldError message={errors.cpuMode} testId="wizard-cpu-mode-error" />
          <FormHelperText>
            <HelperText id="wizard-cpu-mode-help">
              <HelperTextItem>
                {cpuMode === 'auto'
                  ? 'Starts with the mode that last worked on the host, and falls back when its KVM refuses one.'
                  : 'Used as chosen: if the host refuses it, the creation fails and says what to choose.'}
                {models.length === 0 ? ' Models appear once a host is synced.' : ''}
              </HelperTextItem>
            </HelperText>
          </FormHelperText>
        </FormGroup>
      </GridItem>
      <GridItem>
        <FormGroup label="Accelerator" fieldId="wizard-accelerator">
          <FormSelect
            id="wizard-accelerator"
            data-testid="wizard-accelerator"
            value={accelerator}
            onChange={(_e, v) =>
              update('compute', { accelerator: v as Accelerator }, ['compute.accelerator', 'compute.cpuMode'])
            }
            validated={validated(errors.accelerator)}
          >
            {ACCELERATORS.map((a) => (
              <FormSelectOption
                key={a}
                value={a}
                label={a === 'auto' ? "Automatic (the host's policy)" : ACCELERATOR_LABELS[a]}
              />
            ))}
          </FormSelect>
          <FieldError message={errors.accelerator} testId="wizard-accelerator-error" />
        </FormGroup>
      </GridItem>
    </Grid>
  );
}

export function ComputeStep(props: { errors: StepErrors; data: WizardData }) {
  const { errors, data } = props;
  const d = useWizard((s) => s.draft.compute);
  const manualHost = useWizard((s) =>
    s.draft.placement.mode === 'manual' ? s.draft.placement.hostId : null,
  );
  const update = useWizard((s) => s.update);
  const sockets = parseCount(d.sockets);
  const cores = parseCount(d.cores);
  const preset =
    d.memoryCustom || !(MEMORY_PRESETS as readonly string[]).includes(d.memoryGiB) ? CUSTOM : d.memoryGiB;
  const blocked =
    errors.memory !== undefined || errors.cores !== undefined || errors.accelerator !== undefined;

  return (
    <Form onSubmit={(e) => e.preventDefault()} data-testid="wizard-compute">
      <HostFree outcome={data.outcome} manualHostId={manualHost} />
      <Grid hasGutter md={4}>
        <GridItem>
          <Counter
            id="wizard-sockets"
            label="Sockets"
            value={d.sockets}
            max={16}
            error={errors.sockets}
            onChange={(v) => update('compute', { sockets: v }, ['compute.sockets'])}
          />
        </GridItem>
        <GridItem>
          <Counter
            id="wizard-cores"
            label="Cores per socket"
            value={d.cores}
            max={128}
            error={errors.cores}
            onChange={(v) => update('compute', { cores: v }, ['compute.cores'])}
          />
        </GridItem>
        <GridItem>
          <FormGroup label="vCPUs" fieldId="wizard-vcpus">
            <strong id="wizard-vcpus" data-testid="wizard-vcpus">
              {sockets !== null && cores !== null ? sockets * cores : '—'}
            </strong>
            <span className="qhci-subtle"> (sockets × cores)</span>
          </FormGroup>
        </GridItem>
      </Grid>
      <Grid hasGutter md={6}>
        <GridItem>
          <FormGroup label="Memory" isRequired fieldId="wizard-memory-preset">
            <FormSelect
              id="wizard-memory-preset"
              data-testid="wizard-memory-preset"
              value={preset}
              onChange={(_e, v) =>
                update(
                  'compute',
                  v === CUSTOM ? { memoryCustom: true } : { memoryCustom: false, memoryGiB: v },
                  ['compute.memory'],
                )
              }
              validated={validated(preset === CUSTOM ? undefined : errors.memory)}
            >
              {MEMORY_PRESETS.map((p) => (
                <FormSelectOption key={p} value={p} label={p === '0.5' ? '512 MiB' : `${p} GiB`} />
              ))}
              <FormSelectOption value={CUSTOM} label="Custom…" />
            </FormSelect>
            {preset !== CUSTOM && <FieldError message={errors.memory} testId="wizard-memory-error" />}
          </FormGroup>
        </GridItem>
        {preset === CUSTOM && (
          <GridItem>
            <FormGroup label="Custom memory (GiB)" isRequired fieldId="wizard-memory">
              <TextInput
                id="wizard-memory"
                data-testid="wizard-memory"
                value={d.memoryGiB}
                onChange={(_e, memoryGiB) => update('compute', { memoryGiB }, ['compute.memory'])}
                validated={validated(errors.memory)}
                inputMode="decimal"
                aria-describedby="wizard-memory-help"
              />
              <FieldError message={errors.memory} testId="wizard-memory-error" />
              <FormHelperText>
                <HelperText id="wizard-memory-help">
                  <HelperTextItem>In GiB; 1.5 is 1536 MiB.</HelperTextItem>
                </HelperText>
              </FormHelperText>
            </FormGroup>
          </GridItem>
        )}
      </Grid>
      <CpuFields errors={errors} data={data} manualHost={manualHost} />
      {blocked && <PlacementTable outcome={data.outcome} stale={data.outcomeStale} />}
    </Form>
  );
}
