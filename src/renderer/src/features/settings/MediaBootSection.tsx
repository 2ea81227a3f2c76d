/** CD-ROM (insert an ISO from the host's pools, or eject) and the boot order. */
import {
  Button,
  Card,
  CardBody,
  CardTitle,
  Checkbox,
  DataList,
  DataListCell,
  DataListCheck,
  DataListItem,
  DataListItemCells,
  DataListItemRow,
  Flex,
  FormSelect,
  FormSelectOption,
  Stack,
} from '@patternfly/react-core';
import AngleDownIcon from '@patternfly/react-icons/dist/esm/icons/angle-down-icon';
import AngleUpIcon from '@patternfly/react-icons/dist/esm/icons/angle-up-icon';
import { BOOT_DEVICES, type BootDeviceName } from '../../../../shared/domain/vm-settings';
import { FieldError } from '../../components/FieldError';
import { cdromsOf, type CdromEdit } from './draft';
import { validated } from './fields';
import { volumeKey, type HostResources } from './resources';
import type { SectionProps } from './section';

const BOOT_NAMES: Record<BootDeviceName, string> = { hd: 'Disk', cdrom: 'CD-ROM', network: 'Network (PXE)' };

function IsoSelect(props: {
  id: string;
  value: string;
  host: HostResources;
  error?: string;
  onChange: (iso: string) => void;
}) {
  return (
    <FormSelect
      aria-label="ISO"
      value={props.value}
      validated={validated(props.error)}
      onChange={(_e, v) => props.onChange(v)}
      data-testid={props.id}
    >
      <FormSelectOption
        value=""
        label={props.host.isos.length === 0 ? 'No ISO on this host' : 'Choose an ISO'}
        isPlaceholder
      />
      {props.host.isos.map((i) => (
        <FormSelectOption key={i.id} value={volumeKey(i)} label={volumeKey(i)} />
      ))}
    </FormSelect>
  );
}

function Cdroms(props: SectionProps) {
  const { draft, errors, onChange, host } = props;
  const cdroms = cdromsOf(props.vm);
  const set = (target: string, edit: CdromEdit) => onChange({ cdroms: { ...draft.cdroms, [target]: edit } });
  if (cdroms.length === 0) {
    return (
      <Flex
        gap={{ default: 'gapSm' }}
        alignItems={{ default: 'alignItemsCenter' }}
        data-testid="settings-cdrom-new"
      >
        <span className="qhci-subtle">No CD-ROM. Insert an ISO into a new one:</span>
        <IsoSelect
          id="settings-cdrom-new-iso"
          value={draft.newCdromIso}
          host={host}
          onChange={(newCdromIso) => onChange({ newCdromIso })}
        />
      </Flex>
    );
  }
  return (
    <Stack hasGutter>
      {cdroms.map((c) => {
        const e = draft.cdroms[c.target] ?? { action: 'keep' };
        return (
          <Flex
            key={c.target}
            gap={{ default: 'gapSm' }}
            alignItems={{ default: 'alignItemsCenter' }}
            data-testid={`settings-cdrom-${c.target}`}
          >
            <strong>{c.target}</strong>
            <span className="qhci-settings-mono" data-testid={`settings-cdrom-${c.target}-source`}>
              {c.source ?? 'empty'}
            </span>
            <FormSelect
              aria-label={`What to do with ${c.target}`}
              value={e.action}
              onChange={(_ev, action) =>
                set(
                  c.target,
                  action === 'insert' ? { action, iso: '' } : { action: action as 'keep' | 'eject' },
                )
              }
              data-testid={`settings-cdrom-${c.target}-action`}
            >
              <FormSelectOption value="keep" label="Keep as it is" />
              <FormSelectOption value="insert" label="Insert an ISO" />
              <FormSelectOption value="eject" label="Eject" isDisabled={c.source === null} />
            </FormSelect>
            {e.action === 'insert' && (
              <IsoSelect
                id={`settings-cdrom-${c.target}-iso`}
                value={e.iso}
                host={host}
                error={errors[`cdrom-${c.target}`]}
                onChange={(iso) => set(c.target, { action: 'insert', iso })}
              />
            )}
            <FieldError message={errors[`cdrom-${c.target}`]} testId={`settings-cdrom-${c.target}-error`} />
          </Flex>
        );
      })}
    </Stack>
  );
}

function BootOrder(props: SectionProps) {
  const { draft, errors, onChange } = props;
  const order = draft.bootOrder;
  const rest = BOOT_DEVICES.filter((d) => !(order ?? []).includes(d));
  const move = (i: number, by: -1 | 1) => {
    if (order === null) return;
    const next = [...order];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    onChange({ bootOrder: next });
  };
  return (
    <Stack hasGutter>
      <Checkbox
        id="settings-boot-change"
        label="Change the boot order"
        description="Unchecked, the VM keeps the order it has."
        isChecked={order !== null}
        onChange={(_e, on) => onChange({ bootOrder: on ? ['hd'] : null })}
        data-testid="settings-boot-change"
      />
      {order !== null && (
        <DataList aria-label="Boot order" isCompact data-testid="settings-boot-order">
          {[...order, ...rest].map((d, i) => {
            const on = i < order.length;
            return (
              <DataListItem key={d} aria-labelledby={`settings-boot-${d}`}>
                <DataListItemRow>
                  <DataListCheck
                    aria-labelledby={`settings-boot-${d}`}
                    name={`settings-boot-${d}`}
                    isChecked={on}
                    onChange={(_e, checked) =>
                      onChange({ bootOrder: checked ? [...order, d] : order.filter((x) => x !== d) })
                    }
                    data-testid={`settings-boot-${d}`}
                  />
                  <DataListItemCells
                    dataListCells={[
                      <DataListCell key="name" id={`settings-boot-${d}`}>
                        {on ? `${i + 1}. ` : ''}
                        {BOOT_NAMES[d]}
                      </DataListCell>,
                      <DataListCell key="move" alignRight isFilled={false}>
                        <Button
                          variant="plain"
                          aria-label={`Boot ${BOOT_NAMES[d]} earlier`}
                          icon={<AngleUpIcon />}
                          isDisabled={!on || i === 0}
                          onClick={() => move(i, -1)}
                        />
                        <Button
                          variant="plain"
                          aria-label={`Boot ${BOOT_NAMES[d]} later`}
                          icon={<AngleDownIcon />}
                          isDisabled={!on || i === order.length - 1}
                          onClick={() => move(i, 1)}
                        />
                      </DataListCell>,
                    ]}
                  />
                </DataListItemRow>
              </DataListItem>
            );
          })}
        </DataList>
      )}
      <FieldError message={errors.bootOrder} testId="settings-boot-order-error" />
    </Stack>
  );
}

export function MediaBootSection(props: SectionProps) {
  return (
    <Card isFullHeight data-testid="settings-media">
      <CardTitle component="h2">CD-ROM and boot order</CardTitle>
      <CardBody>
        <Stack hasGutter>
          <Cdroms {...props} />
          <BootOrder {...props} />
        </Stack>
      </CardBody>
    </Card>
  );
}
