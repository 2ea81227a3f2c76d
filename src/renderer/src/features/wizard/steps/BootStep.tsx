import { Alert, Form, FormGroup, FormSelect, FormSelectOption, Radio, Spinner } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import {
  GUEST_PROFILE_IDS,
  GUEST_PROFILES,
  type GuestProfileId,
} from '../../../../../shared/domain/guest-profiles';
import type { FirmwareChoice } from '../../../../../shared/domain/firmware';
import type { ImageSummary } from '../../../../../shared/domain/provision';
import { FieldError } from '../../../components/FieldError';
import { useWizard } from '../../../stores/wizard';
import type { BootDraft, StepErrors } from '../draft';
import { validated } from '../fields';
import { formatSize } from '../format';
import { ImageUpload } from '../ImageUpload';
import type { WizardData } from '../useWizardData';
import { BOOT_KIND_LABELS, chooseImage, firmwareOptions } from './boot';

const KINDS: readonly BootDraft['kind'][] = ['cloud-image', 'iso', 'none'];
const size = (n: number | null) => (n === null ? '—' : formatSize(n));

export function BootStep(props: { errors: StepErrors; data: WizardData }) {
  const { errors, data } = props;
  const boot = useWizard((s) => s.draft.boot);
  const storage = useWizard((s) => s.draft.storage);
  const manualHost = useWizard((s) =>
    s.draft.placement.mode === 'manual' ? s.draft.placement.hostId : null,
  );
  const update = useWizard((s) => s.update);
  const replace = useWizard((s) => s.replace);
  const touch = useWizard((s) => s.touch);
  const outcome = data.outcome;
  const chosen = new Set(outcome?.ok ? outcome.result.chosen : manualHost ? [manualHost] : []);
  const target = data.hostDetails.find((h) => chosen.has(h.host.id));
  const all = data.images.data ?? [];
  const kind = boot.kind === 'iso' ? 'iso' : 'cloud-image';
  const ofKind = all.filter((i) => i.kind === kind);
  // The chosen host's images; the selected one stays listed even when the choice of host moved.
  const here = ofKind.filter((i) => i.hostId !== null && (chosen.size === 0 || chosen.has(i.hostId)));
  const selected = ofKind.find((i) => i.id === boot.imageId);
  const listed = selected && !here.includes(selected) ? [selected, ...here] : here;
  const others = ofKind.filter((i) => !here.includes(i));

  const pick = (image: ImageSummary) => {
    replace(chooseImage(boot, storage, image));
    touch('boot.image');
  };

  return (
    <Form onSubmit={(e) => e.preventDefault()} data-testid="wizard-boot">
      <FormGroup role="radiogroup" label="Boot from" fieldId="wizard-boot-kind" isInline>
        {KINDS.map((k) => (
          <Radio
            key={k}
            id={`wizard-boot-${k}`}
            data-testid={`wizard-boot-${k}`}
            name="boot-kind"
            label={BOOT_KIND_LABELS[k]}
            isChecked={boot.kind === k}
            onChange={() => update('boot', { kind: k, imageId: null }, ['boot.kind'])}
          />
        ))}
      </FormGroup>
      {boot.kind === 'cloud-image' && (
        <Alert
          variant="info"
          isInline
          isPlain
          title="Cloud-init is on: the image becomes the backing file of the first disk, and the Customization step applies."
          data-testid="wizard-cloudinit-on"
        />
      )}
      {boot.kind !== 'none' && (
        <FormGroup
          label={`${boot.kind === 'iso' ? 'ISOs' : 'Cloud images'} on ${target?.host.name ?? 'the hosts'}`}
          isRequired
          fieldId="wizard-images"
        >
          {data.images.isPending && <Spinner size="md" aria-label="Loading images" />}
          {data.images.isSuccess && listed.length === 0 && (
            <Alert
              variant="warning"
              isInline
              isPlain
              title={`No ${boot.kind === 'iso' ? 'ISO' : 'cloud image'} on ${target?.host.name ?? 'the hosts'} yet: upload one below.`}
              data-testid="wizard-images-empty"
            />
          )}
          {listed.length > 0 && (
            <Table aria-label="Images" variant="compact" data-testid="wizard-images" id="wizard-images">
              <Thead>
                <Tr>
                  <Th screenReaderText="Choose" />
                  <Th>Name</Th>
                  <Th>Host</Th>
                  <Th>Pool</Th>
                  <Th>Format</Th>
                  <Th>Virtual size</Th>
                  <Th>File size</Th>
                </Tr>
              </Thead>
              <Tbody>
                {listed.map((img, rowIndex) => (
                  <Tr
                    key={img.id}
                    data-testid={`wizard-image-row-${img.name}`}
                    isRowSelected={img.id === boot.imageId}
                  >
                    <Td
                      select={{
                        rowIndex,
                        variant: 'radio',
                        isSelected: img.id === boot.imageId,
                        onSelect: () => pick(img),
                        props: {
                          'aria-label': `Boot from ${img.name}`,
                          'data-testid': `wizard-image-select-${img.name}`,
                        } as object,
                      }}
                    />
                    <Td dataLabel="Name">{img.name}</Td>
                    <Td dataLabel="Host">{img.hostName ?? '—'}</Td>
                    <Td dataLabel="Pool">{img.pool ?? '—'}</Td>
                    <Td dataLabel="Format" data-testid={`wizard-image-format-${img.name}`}>
                      {img.format ?? '—'}
                    </Td>
                    <Td dataLabel="Virtual size" data-testid={`wizard-image-size-${img.name}`}>
                      {size(img.virtualBytes)}
                    </Td>
                    <Td dataLabel="File size">{size(img.allocationBytes)}</Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
          <FieldError message={errors.image} testId="wizard-image-error" />
        </FormGroup>
      )}
      {boot.kind !== 'none' && (
        <ImageUpload project={data.project} target={target} others={others} kind={kind} />
      )}
      {/* A profile that cannot boot with the chosen firmware says so at once, on the firmware field. */}
      <FormGroup label="Guest OS profile" fieldId="wizard-profile">
        <FormSelect
          id="wizard-profile"
          data-testid="wizard-profile"
          value={boot.profile}
          onChange={(_e, v) =>
            update('boot', { profile: v as GuestProfileId }, ['boot.profile', 'boot.firmware'])
          }
          validated={validated(errors.profile)}
        >
          {GUEST_PROFILE_IDS.map((id) => (
            <FormSelectOption key={id} value={id} label={GUEST_PROFILES[id].label} />
          ))}
        </FormSelect>
        <FieldError message={errors.profile} testId="wizard-profile-error" />
      </FormGroup>
      <FormGroup label="Firmware" fieldId="wizard-firmware">
        <FormSelect
          id="wizard-firmware"
          data-testid="wizard-firmware"
          value={boot.firmware ?? 'auto'}
          onChange={(_e, v) => update('boot', { firmware: v as FirmwareChoice }, ['boot.firmware'])}
          validated={validated(errors.firmware)}
        >
          {firmwareOptions(boot.profile).map((o) => (
            <FormSelectOption key={o.value} value={o.value} label={o.label} />
          ))}
        </FormSelect>
        <FieldError message={errors.firmware} testId="wizard-firmware-error" />
      </FormGroup>
    </Form>
  );
}
