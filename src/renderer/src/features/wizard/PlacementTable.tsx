import { Alert, Label, List, ListItem } from '@patternfly/react-core';
import CheckCircleIcon from '@patternfly/react-icons/dist/esm/icons/check-circle-icon';
import ExclamationCircleIcon from '@patternfly/react-icons/dist/esm/icons/exclamation-circle-icon';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { HostEvaluation, PlacementOutcome } from '../../../../shared/domain/placement';
import { formatFree } from './format';

const fmt = (n: number) => String(Number(n.toFixed(2)));

function Breakdown({ row }: { row: HostEvaluation }) {
  const s = row.scores;
  const parts: [string, number][] = [
    [`strategy (${s.strategyName})`, s.strategy],
    ['pool affinity', s.poolAffinity],
    ['image present', s.imagePresent],
    ['accelerator', s.accelerator],
  ];
  return (
    <span className="qhci-subtle" data-testid={`placement-breakdown-${row.hostName}`}>
      {parts.map(([k, v]) => `${k} ${fmt(v)}`).join(' · ')}
    </span>
  );
}

/** The hosts the VMs go to: the dry run's choice (auto) or the picked host (manual). */
export function chosenHosts(outcome: PlacementOutcome | undefined): readonly string[] {
  return outcome?.ok ? outcome.result.chosen : [];
}

/**
 * Every host as the scheduler's dry run saw it: feasible or not and why, the score and its parts, free
 * capacity, and how many of the VMs it would take. The chosen host is highlighted.
 */
export function PlacementTable(props: { outcome: PlacementOutcome | undefined; stale: boolean }) {
  const { outcome, stale } = props;
  if (outcome === undefined) return null;
  const table = outcome.ok ? outcome.result.table : outcome.failure.table;
  const chosen = new Set(chosenHosts(outcome));
  return (
    <div className={stale ? 'qhci-wizard-stale' : undefined} aria-busy={stale}>
      {!outcome.ok && (
        <Alert
          variant="danger"
          isInline
          title={outcome.failure.message}
          data-testid="placement-failure"
          className="qhci-wizard-gap"
        />
      )}
      <Table aria-label="Placement of every host" variant="compact" data-testid="placement-table">
        <Thead>
          <Tr>
            <Th modifier="nowrap">Host</Th>
            <Th modifier="nowrap">Feasible</Th>
            <Th width={25}>Why not</Th>
            <Th width={35}>Score</Th>
            <Th modifier="nowrap">Free vCPUs</Th>
            <Th modifier="nowrap">Free memory</Th>
            <Th modifier="nowrap">VMs here</Th>
          </Tr>
        </Thead>
        <Tbody>
          {table.map((row) => {
            const isChosen = chosen.has(row.hostId);
            return (
              <Tr
                key={row.hostId}
                data-testid={`placement-row-${row.hostName}`}
                className={isChosen ? 'qhci-wizard-chosen' : undefined}
                isRowSelected={isChosen}
                aria-label={isChosen ? `${row.hostName}, chosen` : row.hostName}
              >
                <Td dataLabel="Host" modifier="nowrap">
                  <strong>{row.hostName}</strong>{' '}
                  {isChosen && (
                    <Label color="blue" isCompact data-testid={`placement-chosen-${row.hostName}`}>
                      Chosen
                    </Label>
                  )}
                </Td>
                <Td dataLabel="Feasible" modifier="nowrap" data-testid={`placement-feasible-${row.hostName}`}>
                  {row.feasible ? (
                    <span>
                      <CheckCircleIcon color="var(--pf-t--global--icon--color--status--success--default)" />{' '}
                      Yes
                    </span>
                  ) : (
                    <span>
                      <ExclamationCircleIcon color="var(--pf-t--global--icon--color--status--danger--default)" />{' '}
                      No
                    </span>
                  )}
                </Td>
                <Td dataLabel="Why not" data-testid={`placement-reasons-${row.hostName}`}>
                  {row.reasons.length === 0 ? (
                    '—'
                  ) : (
                    <List isPlain>
                      {row.reasons.map((r) => (
                        <ListItem key={r}>{r}</ListItem>
                      ))}
                    </List>
                  )}
                </Td>
                <Td dataLabel="Score">
                  <strong data-testid={`placement-score-${row.hostName}`}>{fmt(row.scores.total)}</strong>
                  <div>
                    <Breakdown row={row} />
                  </div>
                </Td>
                <Td dataLabel="Free vCPUs">
                  {row.free.vcpus === null ? 'unknown' : formatFree(row.free.vcpus, 'count')}
                </Td>
                <Td dataLabel="Free memory" modifier="nowrap">
                  {row.free.memoryBytes === null ? 'unknown' : formatFree(row.free.memoryBytes, 'bytes')}
                </Td>
                <Td dataLabel="VMs here" data-testid={`placement-placed-${row.hostName}`}>
                  {row.placed}
                </Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>
    </div>
  );
}
