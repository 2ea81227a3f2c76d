/** Disks: grow or detach each (with "delete the volume too"), add a new volume, attach an existing one. */
import {
  Button,
  Card,
  CardBody,
  CardTitle,
  Checkbox,
  Flex,
  FormSelect,
  FormSelectOption,
  TextInput,
} from '@patternfly/react-core';
import PlusCircleIcon from '@patternfly/react-icons/dist/esm/icons/plus-circle-icon';
import TimesIcon from '@patternfly/react-icons/dist/esm/icons/times-icon';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { SETTINGS_DISK_BUSES, type SettingsDiskBus } from '../../../../shared/domain/vm-settings';
import { FieldError } from '../../components/FieldError';
import { formatBytes } from '../hosts/format';
import { disksOf, type DiskEdit, type SettingsDraft } from './draft';
import { validated } from './fields';
import { volumeKey } from './resources';
import type { SectionProps } from './section';

const NO_EDIT: DiskEdit = { growGiB: '', detach: false, deleteVolume: false };

export function DisksSection(props: SectionProps) {
  const { draft, onChange, host } = props;
  const firstBus: SettingsDiskBus = disksOf(props.vm)[0]?.bus === 'sata' ? 'sata' : 'virtio';
  const addNew = () =>
    onChange({
      newDisks: [
        ...draft.newDisks,
        { key: draft.nextKey, pool: host.pools[0]?.name ?? '', sizeGiB: '10', bus: firstBus },
      ],
      nextKey: draft.nextKey + 1,
    });
  const addExisting = () =>
    onChange({
      existingDisks: [...draft.existingDisks, { key: draft.nextKey, volume: '', bus: firstBus }],
      nextKey: draft.nextKey + 1,
    });
  return (
    <Card data-testid="settings-disks">
      <CardTitle component="h2">Disks</CardTitle>
      <CardBody>
        <CurrentDisks {...props} />
        <NewDisks {...props} />
        <Flex gap={{ default: 'gapSm' }} className="qhci-settings-add">
          <Button
            variant="link"
            icon={<PlusCircleIcon />}
            onClick={addNew}
            isDisabled={host.pools.length === 0}
            data-testid="settings-disk-add-new"
          >
            Add a new disk
          </Button>
          <Button
            variant="link"
            icon={<PlusCircleIcon />}
            onClick={addExisting}
            isDisabled={host.freeVolumes.length === 0}
            data-testid="settings-disk-add-existing"
          >
            Attach an existing volume
          </Button>
        </Flex>
      </CardBody>
    </Card>
  );
}

function CurrentDisks(props: SectionProps) {
  const { draft, errors, onChange, host } = props;
  const disks = disksOf(props.vm);
  if (disks.length === 0) return <p className="qhci-subtle">No disks.</p>;
  const set = (target: string, patch: Partial<DiskEdit>) =>
    onChange({ disks: { ...draft.disks, [target]: { ...(draft.disks[target] ?? NO_EDIT), ...patch } } });
  return (
    <Table aria-label="Disks" variant="compact">
      <Thead>
        <Tr>
          <Th modifier="nowrap">Target</Th>
          <Th>Bus</Th>
          <Th>Source</Th>
          <Th modifier="nowrap">Size</Th>
          <Th>Grow to</Th>
          <Th>Detach</Th>
        </Tr>
      </Thead>
      <Tbody>
        {disks.map((d) => {
          const e = draft.disks[d.target] ?? NO_EDIT;
          const size = host.diskBytes.get(d.target);
          const error = errors[`grow-${d.target}`];
          return (
            <Tr key={d.target} data-testid={`settings-disk-${d.target}`}>
              <Td dataLabel="Target">
                <strong>{d.target}</strong>
              </Td>
              <Td dataLabel="Bus">{d.bus ?? '—'}</Td>
              <Td dataLabel="Source" className="qhci-settings-mono">
                {d.source ?? '—'}
              </Td>
              <Td dataLabel="Size" modifier="nowrap">
                {size === undefined ? '—' : formatBytes(size)}
              </Td>
              <Td dataLabel="Grow to">
                <div className="qhci-settings-unit">
                  <TextInput
                    aria-label={`New size of ${d.target} in GiB`}
                    value={e.growGiB}
                    placeholder="unchanged"
                    isDisabled={e.detach}
                    validated={validated(error)}
                    onChange={(_ev, growGiB) => set(d.target, { growGiB })}
                    data-testid={`settings-disk-${d.target}-grow`}
                  />
                  <span className="qhci-subtle">GiB</span>
                </div>
                <FieldError message={error} testId={`settings-disk-${d.target}-grow-error`} />
              </Td>
              <Td dataLabel="Detach">
                <Checkbox
                  id={`settings-disk-${d.target}-detach`}
                  label="Detach"
                  isChecked={e.detach}
                  onChange={(_ev, detach) =>
                    set(d.target, { detach, deleteVolume: detach && e.deleteVolume })
                  }
                  data-testid={`settings-disk-${d.target}-detach`}
                />
                <Checkbox
                  id={`settings-disk-${d.target}-delete`}
                  label="Delete the volume too"
                  isChecked={e.deleteVolume}
                  isDisabled={!e.detach || d.source === null}
                  onChange={(_ev, deleteVolume) => set(d.target, { deleteVolume })}
                  data-testid={`settings-disk-${d.target}-delete`}
                />
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
}

function BusSelect(props: { id: string; value: SettingsDiskBus; onChange: (bus: SettingsDiskBus) => void }) {
  return (
    <FormSelect
      id={props.id}
      aria-label="Bus"
      value={props.value}
      onChange={(_e, v) => props.onChange(v as SettingsDiskBus)}
      data-testid={props.id}
    >
      {SETTINGS_DISK_BUSES.map((b) => (
        <FormSelectOption key={b} value={b} label={b} />
      ))}
    </FormSelect>
  );
}

/** The rows of disks to add: a new volume (pool, size, bus) or an existing one (volume, bus). */
function NewDisks(props: SectionProps) {
  const { draft, errors, onChange, host } = props;
  const patchNew = (key: number, patch: Partial<SettingsDraft['newDisks'][number]>) =>
    onChange({ newDisks: draft.newDisks.map((n) => (n.key === key ? { ...n, ...patch } : n)) });
  const patchExisting = (key: number, patch: Partial<SettingsDraft['existingDisks'][number]>) =>
    onChange({ existingDisks: draft.existingDisks.map((n) => (n.key === key ? { ...n, ...patch } : n)) });
  return (
    <>
      {draft.newDisks.map((n, i) => (
        <div key={n.key} className="qhci-settings-row" data-testid={`settings-new-disk-${i}`}>
          <strong>New disk</strong>
          <FormSelect
            aria-label="Pool"
            value={n.pool}
            onChange={(_e, pool) => patchNew(n.key, { pool })}
            validated={validated(errors[`new-disk-${n.key}-pool`])}
            data-testid={`settings-new-disk-${i}-pool`}
          >
            <FormSelectOption value="" label="Choose a pool" isPlaceholder />
            {host.pools.map((p) => (
              <FormSelectOption
                key={p.id}
                value={p.name}
                label={`${p.name} (${formatBytes(p.availableBytes)} free)`}
              />
            ))}
          </FormSelect>
          <div className="qhci-settings-unit">
            <TextInput
              aria-label="Size in GiB"
              value={n.sizeGiB}
              validated={validated(errors[`new-disk-${n.key}-size`])}
              onChange={(_e, sizeGiB) => patchNew(n.key, { sizeGiB })}
              data-testid={`settings-new-disk-${i}-size`}
            />
            <span className="qhci-subtle">GiB</span>
          </div>
          <BusSelect
            id={`settings-new-disk-${i}-bus`}
            value={n.bus}
            onChange={(bus) => patchNew(n.key, { bus })}
          />
          <Button
            variant="plain"
            aria-label="Do not add this disk"
            icon={<TimesIcon />}
            onClick={() => onChange({ newDisks: draft.newDisks.filter((x) => x.key !== n.key) })}
            data-testid={`settings-new-disk-${i}-remove`}
          />
          <FieldError
            message={errors[`new-disk-${n.key}-pool`] ?? errors[`new-disk-${n.key}-size`]}
            testId={`settings-new-disk-${i}-error`}
          />
        </div>
      ))}
      {draft.existingDisks.map((x, i) => (
        <div key={x.key} className="qhci-settings-row" data-testid={`settings-existing-disk-${i}`}>
          <strong>Existing volume</strong>
          <FormSelect
            aria-label="Volume"
            value={x.volume}
            onChange={(_e, volume) => patchExisting(x.key, { volume })}
            validated={validated(errors[`existing-disk-${x.key}`])}
            data-testid={`settings-existing-disk-${i}-volume`}
          >
            <FormSelectOption value="" label="Choose a volume" isPlaceholder />
            {host.freeVolumes.map((v) => (
              <FormSelectOption
                key={v.id}
                value={volumeKey(v)}
                label={`${volumeKey(v)}${v.virtualBytes === null ? '' : ` (${formatBytes(v.virtualBytes)})`}`}
              />
            ))}
          </FormSelect>
          <BusSelect
            id={`settings-existing-disk-${i}-bus`}
            value={x.bus}
            onChange={(bus) => patchExisting(x.key, { bus })}
          />
          <Button
            variant="plain"
            aria-label="Do not attach this volume"
            icon={<TimesIcon />}
            onClick={() => onChange({ existingDisks: draft.existingDisks.filter((y) => y.key !== x.key) })}
            data-testid={`settings-existing-disk-${i}-remove`}
          />
          <FieldError
            message={errors[`existing-disk-${x.key}`]}
            testId={`settings-existing-disk-${i}-error`}
          />
        </div>
      ))}
    </>
  );
}
