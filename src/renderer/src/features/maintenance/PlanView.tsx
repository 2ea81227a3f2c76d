import { Alert, Button, Label, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import type { EvacuationPlan, EvacuationStuck } from '../../../../shared/domain/evacuation';
import { formatBytes } from '../hosts/format';

/** The scheduler's judgement of every host for one VM that cannot move: fits or not, why, what is free. */
function SchedulerTable({ s }: { s: EvacuationStuck }) {
  return (
    <Table
      aria-label={`The scheduler's table for ${s.name}`}
      variant="compact"
      data-testid={`maintenance-scheduler-${s.name}`}
    >
      <Thead>
        <Tr>
          <Th modifier="nowrap">Host</Th>
          <Th modifier="nowrap">Fits</Th>
          <Th>Why not</Th>
          <Th modifier="nowrap">Free</Th>
        </Tr>
      </Thead>
      <Tbody>
        {s.table.map((e) => (
          <Tr key={e.hostId}>
            <Td dataLabel="Host">{e.hostName}</Td>
            <Td dataLabel="Fits">
              <Label status={e.feasible ? 'success' : 'danger'} isCompact>
                {e.feasible ? 'Fits' : 'No'}
              </Label>
            </Td>
            <Td dataLabel="Why not">{e.reasons.join('; ') || '—'}</Td>
            <Td dataLabel="Free" modifier="nowrap">
              {[
                e.free.vcpus === null ? null : `${e.free.vcpus} vCPUs`,
                e.free.memoryBytes === null ? null : formatBytes(e.free.memoryBytes),
              ]
                .filter(Boolean)
                .join(', ') || '—'}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}

/** One VM that cannot move: its reason, and the scheduler's table on demand. */
function StuckRow({ s }: { s: EvacuationStuck }) {
  const [open, setOpen] = useState(false);
  return (
    <Tr data-testid={`maintenance-stuck-${s.name}`}>
      <Td dataLabel="VM" modifier="nowrap">
        <strong>{s.name}</strong>
      </Td>
      <Td dataLabel="Why">
        {s.reason}
        {s.table.length > 0 && (
          <div>
            <Button
              variant="link"
              isInline
              onClick={() => setOpen(!open)}
              data-testid={`maintenance-why-${s.name}`}
            >
              {open ? "Hide the scheduler's table" : "Show the scheduler's table"}
            </Button>
            {open && <SchedulerTable s={s} />}
          </div>
        )}
      </Td>
    </Tr>
  );
}

/**
 * The scheduler's plan for emptying a host, before anything moves: VM → destination, what each destination
 * receives, and the VMs that cannot move with why. Test ids start with `maintenance-`.
 */
export function PlanView({ plan, hostName }: { plan: EvacuationPlan; hostName: string }) {
  const total = plan.moves.length + plan.stuck.length;
  if (total === 0) {
    return (
      <Alert
        variant="info"
        isInline
        isPlain
        title={`${hostName} runs no VM: nothing to move.`}
        data-testid="maintenance-empty"
      />
    );
  }
  return (
    <div className="qhci-maintenance-plan" data-testid="maintenance-plan">
      <Title headingLevel="h4">
        {plan.moves.length} of {total} VM{total === 1 ? '' : 's'} will migrate
      </Title>
      {plan.moves.length > 0 && (
        <Table aria-label="Where each VM goes" variant="compact" data-testid="maintenance-moves">
          <Thead>
            <Tr>
              <Th>VM</Th>
              <Th>Destination</Th>
              <Th modifier="nowrap">Score</Th>
            </Tr>
          </Thead>
          <Tbody>
            {plan.moves.map((m) => (
              <Tr key={m.vmId} data-testid={`maintenance-move-${m.name}`}>
                <Td dataLabel="VM">{m.name}</Td>
                <Td dataLabel="Destination" data-testid={`maintenance-dest-${m.name}`}>
                  {m.toHostName}
                </Td>
                <Td dataLabel="Score">{m.score.toFixed(1)}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {plan.targets.length > 0 && (
        <>
          <Title headingLevel="h4">Per destination</Title>
          <Table
            aria-label="What each destination receives"
            variant="compact"
            data-testid="maintenance-targets"
          >
            <Thead>
              <Tr>
                <Th>Host</Th>
                <Th modifier="nowrap">VMs</Th>
                <Th modifier="nowrap">vCPUs</Th>
                <Th modifier="nowrap">Memory</Th>
              </Tr>
            </Thead>
            <Tbody>
              {plan.targets.map((t) => (
                <Tr key={t.hostId} data-testid={`maintenance-target-${t.hostName}`}>
                  <Td dataLabel="Host">{t.hostName}</Td>
                  <Td dataLabel="VMs">{t.vms}</Td>
                  <Td dataLabel="vCPUs">{t.vcpus}</Td>
                  <Td dataLabel="Memory">{formatBytes(t.memoryBytes)}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </>
      )}
      {plan.stuck.length > 0 && (
        <>
          <Alert
            variant="warning"
            isInline
            title={`${plan.stuck.length} VM${plan.stuck.length === 1 ? '' : 's'} cannot leave ${hostName}`}
            data-testid="maintenance-stuck"
          />
          <Table aria-label="VMs that cannot move" variant="compact">
            <Thead>
              <Tr>
                <Th>VM</Th>
                <Th>Why</Th>
              </Tr>
            </Thead>
            <Tbody>
              {plan.stuck.map((s) => (
                <StuckRow key={s.vmId} s={s} />
              ))}
            </Tbody>
          </Table>
        </>
      )}
    </div>
  );
}
