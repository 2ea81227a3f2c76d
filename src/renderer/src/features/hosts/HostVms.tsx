import {
  Alert,
  AlertActionCloseButton,
  Card,
  CardBody,
  CardTitle,
  Label,
  Spinner,
} from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import type { PowerActionName, VmState, VmSummary } from '../../../../shared/domain/vm';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { POWER_LABEL } from '../vms/power';
import { VmPowerButtons } from '../vms/VmPowerButtons';

const STATE: Record<
  VmState,
  { text: string; status?: 'success' | 'warning' | 'danger' | 'info'; color?: 'grey' }
> = {
  running: { text: 'Running', status: 'success' },
  paused: { text: 'Paused', status: 'warning' },
  shutoff: { text: 'Shut off', color: 'grey' },
  crashed: { text: 'Crashed', status: 'danger' },
  pmsuspended: { text: 'Suspended (guest)', status: 'info' },
  creating: { text: 'Creating', status: 'info' },
  unknown: { text: 'Unknown', color: 'grey' },
};

export function VmStateLabel(props: { vm: VmSummary }) {
  const s = STATE[props.vm.state];
  return (
    <Label
      isCompact
      {...(s.status ? { status: s.status } : {})}
      {...(s.color ? { color: s.color } : {})}
      data-testid={`vm-state-${props.vm.name}`}
    >
      {s.text}
    </Label>
  );
}

/** The virtual machines on one host, live (vm.state events refresh the list), with power actions. */
export function HostVms(props: { vms: readonly VmSummary[]; loading: boolean; error: string | undefined }) {
  const power = useQhciMutation('vms.power');
  const [pending, setPending] = useState<ReadonlyMap<string, PowerActionName>>(new Map());
  const [failure, setFailure] = useState<{ vm: string; action: PowerActionName; message: string } | null>(
    null,
  );

  const run = (vm: VmSummary, action: PowerActionName) => {
    setFailure(null);
    setPending((m) => new Map(m).set(vm.id, action));
    power
      .mutateAsync({ vmId: vm.id, action })
      .catch((err: unknown) => setFailure({ vm: vm.name, action, message: toAppError(err).message }))
      .finally(() =>
        setPending((m) => {
          const next = new Map(m);
          next.delete(vm.id);
          return next;
        }),
      );
  };

  const sorted = [...props.vms].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Card data-testid="host-vms">
      <CardTitle component="h2">Virtual machines ({props.vms.length})</CardTitle>
      {failure !== null && (
        <CardBody>
          <Alert
            variant="danger"
            isInline
            title={`${POWER_LABEL[failure.action]} ${failure.vm} failed`}
            actionClose={<AlertActionCloseButton onClose={() => setFailure(null)} aria-label="Dismiss" />}
            data-testid="vm-power-error"
          >
            {failure.message}
          </Alert>
        </CardBody>
      )}
      {props.error !== undefined && (
        <CardBody>
          <Alert variant="danger" isInline title={props.error} data-testid="host-vms-error" />
        </CardBody>
      )}
      {props.loading && (
        <CardBody>
          <Spinner size="md" aria-label="Loading virtual machines" />
        </CardBody>
      )}
      {!props.loading && sorted.length === 0 && (
        <CardBody className="qhci-subtle" data-testid="host-vms-empty">
          No virtual machines on this host.
        </CardBody>
      )}
      {sorted.length > 0 && (
        <Table aria-label="Virtual machines on this host" variant="compact">
          <Thead>
            <Tr>
              <Th modifier="nowrap">Name</Th>
              <Th modifier="nowrap">State</Th>
              <Th modifier="fitContent">Power</Th>
            </Tr>
          </Thead>
          <Tbody>
            {sorted.map((vm) => (
              <Tr key={vm.id} data-testid={`vm-row-${vm.name}`}>
                <Td dataLabel="Name" modifier="nowrap">
                  <strong>{vm.name}</strong>
                </Td>
                <Td dataLabel="State">
                  <VmStateLabel vm={vm} />
                </Td>
                <Td dataLabel="Power" modifier="fitContent">
                  <VmPowerButtons
                    vm={vm}
                    pending={pending.get(vm.id) ?? null}
                    onAction={(action) => run(vm, action)}
                  />
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </Card>
  );
}
