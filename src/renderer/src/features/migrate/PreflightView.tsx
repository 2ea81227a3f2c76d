import { Alert, Label, List, ListItem, Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { MigrationPreflight, PreflightStatus } from '../../../../shared/domain/migration';
import { formatBytes } from '../hosts/format';

const STATUS: Record<PreflightStatus, { text: string; status: 'success' | 'warning' | 'danger' | 'info' }> = {
  ok: { text: 'OK', status: 'success' },
  warn: { text: 'Warning', status: 'warning' },
  fail: { text: 'Fails', status: 'danger' },
  todo: { text: 'To do', status: 'info' },
};

const WHAT: Record<string, string> = {
  base: 'Base image',
  overlay: 'Overlay (made empty; its data moves with the VM)',
  disk: 'Disk',
  iso: 'ISO',
  nvram: 'UEFI variables',
};

const TRANSPORT: Record<MigrationPreflight['transport'], string> = {
  direct: 'Direct: disks travel host to host',
  console: 'Through this console: disks copied over its two connections, checksum-verified',
};

/** The scheduler's judgement of the destination: fits or not, and why not. */
function SchedulerRow({ p }: { p: MigrationPreflight }) {
  const e = p.placement;
  if (e === null) return null;
  const free = [
    e.free.vcpus === null ? null : `${e.free.vcpus} vCPUs free`,
    e.free.memoryBytes === null ? null : `${formatBytes(e.free.memoryBytes)} memory free`,
  ].filter(Boolean);
  return (
    <div data-testid="migrate-scheduler">
      <Title headingLevel="h4" className="qhci-migrate-heading">
        The scheduler
      </Title>
      <div>
        <strong>{e.hostName}</strong>{' '}
        <Label status={e.feasible ? 'success' : 'danger'} isCompact data-testid="migrate-scheduler-fit">
          {e.feasible ? 'Fits' : 'Does not fit'}
        </Label>{' '}
        {free.length > 0 && <span className="qhci-subtle">{free.join(', ')}</span>}
      </div>
      {e.reasons.length > 0 && (
        <List data-testid="migrate-scheduler-reasons">
          {e.reasons.map((r) => (
            <ListItem key={r}>{r}</ListItem>
          ))}
        </List>
      )}
    </div>
  );
}

/**
 * What `vms.migratePreflight` found, before anything moves: live or cold, how disks travel, every check
 * with its status, the files placed on the destination first, and the scheduler's row. Test ids: `migrate-`.
 */
export function PreflightView({ p }: { p: MigrationPreflight }) {
  const failed = p.checks.filter((c) => c.status === 'fail');
  return (
    <div className="qhci-migrate-preflight" data-testid="migrate-preflight">
      <div className="qhci-migrate-summary">
        <Label color="blue" data-testid="migrate-mode">
          {p.mode === 'live' ? 'Live: the VM keeps running' : 'Cold: the VM is shut off'}
        </Label>
        <Label color="grey" data-testid="migrate-transport">
          {TRANSPORT[p.transport]}
        </Label>
        <span>
          to <strong data-testid="migrate-destination">{p.toHostName}</strong>
        </span>
      </div>
      {!p.ok && (
        <Alert
          variant="danger"
          isInline
          title={`Cannot migrate to ${p.toHostName}: ${failed.length} check${failed.length === 1 ? '' : 's'} failed`}
          data-testid="migrate-refused"
        />
      )}
      <Table aria-label="Preflight checks" variant="compact" data-testid="migrate-checks">
        <Thead>
          <Tr>
            <Th modifier="nowrap">Status</Th>
            <Th modifier="nowrap">Check</Th>
            <Th>Detail</Th>
          </Tr>
        </Thead>
        <Tbody>
          {p.checks.map((c) => (
            <Tr key={c.id} data-testid={`migrate-check-${c.status}`}>
              <Td dataLabel="Status" modifier="nowrap">
                <Label status={STATUS[c.status].status} isCompact>
                  {STATUS[c.status].text}
                </Label>
              </Td>
              <Td dataLabel="Check" modifier="nowrap">
                {c.label}
              </Td>
              <Td dataLabel="Detail">{c.detail}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Title headingLevel="h4" className="qhci-migrate-heading">
        Placed on {p.toHostName} first
      </Title>
      {p.copies.length === 0 ? (
        <div className="qhci-subtle">Nothing: every file the VM needs is there.</div>
      ) : (
        <Table aria-label="Files placed on the destination" variant="compact" data-testid="migrate-copies">
          <Thead>
            <Tr>
              <Th modifier="nowrap">What</Th>
              <Th>Path</Th>
              <Th modifier="nowrap">Size</Th>
            </Tr>
          </Thead>
          <Tbody>
            {p.copies.map((c) => (
              <Tr key={c.path}>
                <Td dataLabel="What">{WHAT[c.what] ?? c.what}</Td>
                <Td dataLabel="Path">
                  <code>{c.path}</code>
                </Td>
                <Td dataLabel="Size" modifier="nowrap">
                  {formatBytes(c.bytes)}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      <SchedulerRow p={p} />
    </div>
  );
}
