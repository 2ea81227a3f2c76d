import {
  Button,
  Flex,
  FlexItem,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Alert,
} from '@patternfly/react-core';
import PlusIcon from '@patternfly/react-icons/dist/esm/icons/plus-icon';
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon';
import { guestProfile } from '../../../../../shared/domain/guest-profiles';
import { NIC_MODELS } from '../../../../../shared/domain/provision';
import { FieldError } from '../../../components/FieldError';
import { useWizard } from '../../../stores/wizard';
import type { NicDraft, NicModelChoice, StepErrors } from '../draft';
import { validated } from '../fields';
import type { WizardData } from '../useWizardData';
import { newNic, NIC_MODEL_LABELS } from './network';

export function NetworkStep(props: { errors: StepErrors; data: WizardData }) {
  const { errors, data } = props;
  const nics = useWizard((s) => s.draft.network.nics);
  const profile = useWizard((s) => s.draft.boot.profile);
  const manualHost = useWizard((s) =>
    s.draft.placement.mode === 'manual' ? s.draft.placement.hostId : null,
  );
  const update = useWizard((s) => s.update);
  const outcome = data.outcome;
  const chosen = new Set(outcome?.ok ? outcome.result.chosen : manualHost ? [manualHost] : []);
  // The chosen host(s)' networks; before a host is chosen, every host's.
  const hosts = data.hostDetails.filter((h) => chosen.size === 0 || chosen.has(h.host.id));
  const networks = new Map<string, string[]>();
  for (const h of hosts)
    for (const n of h.networks)
      networks.set(n.name, [
        ...(networks.get(n.name) ?? []),
        `${h.host.name}${n.active ? '' : ' (inactive)'}`,
      ]);
  const defaultModel = guestProfile(profile).nicModel;

  const setNic = (i: number, patch: Partial<NicDraft>, field: string) =>
    update('network', { nics: nics.map((n, j) => (j === i ? { ...n, ...patch } : n)) }, [
      `network.nics.${i}.${field}`,
    ]);

  return (
    <Form onSubmit={(e) => e.preventDefault()} data-testid="wizard-network">
      <span className="qhci-subtle" data-testid="wizard-network-hosts">
        Networks on {hosts.map((h) => h.host.name).join(', ') || 'no host yet'}
        {chosen.size > 0 ? ' (the chosen host)' : ''}.
      </span>
      {errors.nics !== undefined && (
        <Alert variant="danger" isInline title={errors.nics} data-testid="wizard-nics-error" />
      )}
      {nics.length === 0 && (
        <Alert
          variant="info"
          isInline
          isPlain
          title="No NIC: the VM has no network."
          data-testid="wizard-no-nic"
        />
      )}
      {nics.map((nic, i) => {
        const known = networks.has(nic.network);
        return (
          <Flex
            key={nic.key}
            spaceItems={{ default: 'spaceItemsLg' }}
            alignItems={{ default: 'alignItemsFlexEnd' }}
          >
            <FlexItem>
              <FormGroup label={`NIC ${i + 1}: network`} isRequired fieldId={`wizard-nic-network-${i}`}>
                <FormSelect
                  id={`wizard-nic-network-${i}`}
                  data-testid={`wizard-nic-network-${i}`}
                  value={nic.network}
                  onChange={(_e, network) => setNic(i, { network }, 'network')}
                  validated={validated(errors[`nics.${i}.network`])}
                >
                  <FormSelectOption value="" label="Choose a network" isPlaceholder />
                  {!known && nic.network !== '' && (
                    <FormSelectOption value={nic.network} label={`${nic.network} (not on the chosen host)`} />
                  )}
                  {[...networks].map(([name, on]) => (
                    <FormSelectOption key={name} value={name} label={`${name} (${on.join(', ')})`} />
                  ))}
                </FormSelect>
                <FieldError message={errors[`nics.${i}.network`]} testId={`wizard-nic-network-${i}-error`} />
              </FormGroup>
            </FlexItem>
            <FlexItem>
              <FormGroup label="Model" fieldId={`wizard-nic-model-${i}`}>
                <FormSelect
                  id={`wizard-nic-model-${i}`}
                  data-testid={`wizard-nic-model-${i}`}
                  value={nic.model}
                  onChange={(_e, model) => setNic(i, { model: model as NicModelChoice }, 'model')}
                  validated={validated(errors[`nics.${i}.model`])}
                >
                  <FormSelectOption value="" label={`The guest profile's (${defaultModel})`} />
                  {NIC_MODELS.map((m) => (
                    <FormSelectOption key={m} value={m} label={NIC_MODEL_LABELS[m]} />
                  ))}
                </FormSelect>
                <FieldError message={errors[`nics.${i}.model`]} testId={`wizard-nic-model-${i}-error`} />
              </FormGroup>
            </FlexItem>
            <FlexItem>
              <Button
                variant="plain"
                icon={<TrashIcon />}
                aria-label={`Remove NIC ${i + 1}`}
                data-testid={`wizard-nic-remove-${i}`}
                onClick={() => update('network', { nics: nics.filter((_, j) => j !== i) }, ['network.nics'])}
              />
            </FlexItem>
          </Flex>
        );
      })}
      <div>
        <Button
          variant="secondary"
          icon={<PlusIcon />}
          onClick={() =>
            update('network', { nics: [...nics, newNic([...networks.keys()][0] ?? '')] }, ['network.nics'])
          }
          data-testid="wizard-nic-add"
          isDisabled={nics.length >= 8}
        >
          Add NIC
        </Button>
      </div>
    </Form>
  );
}
