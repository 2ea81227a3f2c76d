/** Network interfaces: change the network or model of each, remove one, add one on a network of the host. */
import {
  Button,
  Card,
  CardBody,
  CardTitle,
  Checkbox,
  FormSelect,
  FormSelectOption,
} from '@patternfly/react-core';
import PlusCircleIcon from '@patternfly/react-icons/dist/esm/icons/plus-circle-icon';
import TimesIcon from '@patternfly/react-icons/dist/esm/icons/times-icon';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { NIC_MODELS } from '../../../../shared/domain/provision';
import { FieldError } from '../../components/FieldError';
import { nicsOf, type NicEdit, type NicModelName } from './draft';
import { validated } from './fields';
import type { SectionProps } from './section';

/** The host's networks, plus the one a NIC is on now when the host does not list it (a bridge). */
function NetworkOptions(props: { networks: readonly string[]; current: string }) {
  const names =
    props.current === '' || props.networks.includes(props.current)
      ? props.networks
      : [props.current, ...props.networks];
  return (
    <>
      {names.map((n) => (
        <FormSelectOption key={n} value={n} label={n} />
      ))}
    </>
  );
}

function ModelOptions(props: { current: string }) {
  const models: readonly string[] = NIC_MODELS;
  const all = props.current === '' || models.includes(props.current) ? models : [props.current, ...models];
  return (
    <>
      {all.map((m) => (
        <FormSelectOption key={m} value={m} label={m} />
      ))}
    </>
  );
}

export function NicsSection(props: SectionProps) {
  const { draft, errors, onChange, host } = props;
  const nics = nicsOf(props.vm);
  const networks = host.networks.map((n) => n.name);
  const set = (mac: string, base: NicEdit, patch: Partial<NicEdit>) =>
    onChange({ nics: { ...draft.nics, [mac]: { ...(draft.nics[mac] ?? base), ...patch } } });
  const patchNew = (key: number, patch: Partial<(typeof draft.newNics)[number]>) =>
    onChange({ newNics: draft.newNics.map((n) => (n.key === key ? { ...n, ...patch } : n)) });
  return (
    <Card data-testid="settings-nics">
      <CardTitle component="h2">Network interfaces</CardTitle>
      <CardBody>
        {nics.length === 0 ? (
          <p className="qhci-subtle">No network interfaces.</p>
        ) : (
          <Table aria-label="Network interfaces" variant="compact">
            <Thead>
              <Tr>
                <Th>MAC</Th>
                <Th>Network</Th>
                <Th>Model</Th>
                <Th>Remove</Th>
              </Tr>
            </Thead>
            <Tbody>
              {nics.map((n) => {
                const base: NicEdit = { remove: false, network: n.source ?? '', model: n.model ?? '' };
                const e = draft.nics[n.mac] ?? base;
                return (
                  <Tr key={n.mac} data-testid={`settings-nic-${n.mac}`}>
                    <Td dataLabel="MAC" className="qhci-settings-mono">
                      {n.mac}
                    </Td>
                    <Td dataLabel="Network">
                      <FormSelect
                        aria-label={`Network of ${n.mac}`}
                        value={e.network}
                        isDisabled={e.remove}
                        onChange={(_ev, network) => set(n.mac, base, { network })}
                        data-testid={`settings-nic-${n.mac}-network`}
                      >
                        <NetworkOptions networks={networks} current={n.source ?? ''} />
                      </FormSelect>
                    </Td>
                    <Td dataLabel="Model">
                      <FormSelect
                        aria-label={`Model of ${n.mac}`}
                        value={e.model}
                        isDisabled={e.remove}
                        onChange={(_ev, model) => set(n.mac, base, { model })}
                        data-testid={`settings-nic-${n.mac}-model`}
                      >
                        <ModelOptions current={n.model ?? ''} />
                      </FormSelect>
                    </Td>
                    <Td dataLabel="Remove">
                      <Checkbox
                        id={`settings-nic-${n.mac}-remove`}
                        label="Remove"
                        isChecked={e.remove}
                        onChange={(_ev, remove) => set(n.mac, base, { remove })}
                        data-testid={`settings-nic-${n.mac}-remove`}
                      />
                    </Td>
                  </Tr>
                );
              })}
            </Tbody>
          </Table>
        )}
        {draft.newNics.map((n, i) => (
          <div key={n.key} className="qhci-settings-row" data-testid={`settings-new-nic-${i}`}>
            <strong>New NIC</strong>
            <FormSelect
              aria-label="Network"
              value={n.network}
              validated={validated(errors[`new-nic-${n.key}`])}
              onChange={(_e, network) => patchNew(n.key, { network })}
              data-testid={`settings-new-nic-${i}-network`}
            >
              <FormSelectOption value="" label="Choose a network" isPlaceholder />
              <NetworkOptions networks={networks} current="" />
            </FormSelect>
            <FormSelect
              aria-label="Model"
              value={n.model}
              onChange={(_e, model) => patchNew(n.key, { model: model as NicModelName })}
              data-testid={`settings-new-nic-${i}-model`}
            >
              <ModelOptions current="" />
            </FormSelect>
            <Button
              variant="plain"
              aria-label="Do not add this NIC"
              icon={<TimesIcon />}
              onClick={() => onChange({ newNics: draft.newNics.filter((x) => x.key !== n.key) })}
              data-testid={`settings-new-nic-${i}-remove`}
            />
            <FieldError message={errors[`new-nic-${n.key}`]} testId={`settings-new-nic-${i}-error`} />
          </div>
        ))}
        <Button
          variant="link"
          icon={<PlusCircleIcon />}
          className="qhci-settings-add"
          isDisabled={networks.length === 0}
          onClick={() =>
            onChange({
              newNics: [
                ...draft.newNics,
                { key: draft.nextKey, network: networks[0] ?? '', model: 'virtio' },
              ],
              nextKey: draft.nextKey + 1,
            })
          }
          data-testid="settings-nic-add"
        >
          Add a NIC
        </Button>
      </CardBody>
    </Card>
  );
}
