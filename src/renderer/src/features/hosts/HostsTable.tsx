import { Button, MenuToggle, Spinner } from '@patternfly/react-core';
import EllipsisVIcon from '@patternfly/react-icons/dist/esm/icons/ellipsis-v-icon';
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { HostSummary } from '../../../../shared/domain/host';
import { formatBytes, formatConnection, KIND_LABEL } from './format';
import { HostStateLabel } from './HostStateLabel';

export type HostAction = 'open' | 'sync' | 'edit' | 'remove' | 'maintenance';

const COLUMNS = ['Name', 'Kind', 'Connection', 'State', 'CPUs', 'Memory', 'VMs'];

/** One row per host; the name opens its detail, the kebab holds Sync now, Edit and Remove. */
export function HostsTable(props: {
  hosts: readonly HostSummary[];
  syncing: ReadonlySet<string>;
  onAction: (action: HostAction, host: HostSummary) => void;
}) {
  return (
    <Table aria-label="Hosts" variant="compact" data-testid="host-table">
      <Thead>
        <Tr>
          {COLUMNS.map((c) => (
            <Th key={c} modifier="nowrap">
              {c}
            </Th>
          ))}
          <Th screenReaderText="Actions" />
        </Tr>
      </Thead>
      <Tbody>
        {props.hosts.map((h) => (
          <Tr
            key={h.id}
            data-testid={`host-row-${h.name}`}
            isClickable
            onRowClick={(e) => {
              // Clicks on the name button and the actions menu are handled by them.
              if ((e?.target as Element | undefined)?.closest('button, a, [role="menu"]')) return;
              props.onAction('open', h);
            }}
          >
            <Td dataLabel="Name">
              <Button
                variant="link"
                isInline
                onClick={() => props.onAction('open', h)}
                data-testid={`host-open-${h.name}`}
                aria-label={`Open ${h.name}`}
              >
                <strong className="qhci-nowrap">{h.name}</strong>
              </Button>
              {h.facts !== null && h.facts.hostname !== h.name && (
                <div className="qhci-subtle">{h.facts.hostname}</div>
              )}
            </Td>
            <Td dataLabel="Kind" modifier="nowrap">
              {KIND_LABEL[h.kind]}
            </Td>
            <Td dataLabel="Connection">
              <code className="qhci-nowrap" data-testid={`host-connection-${h.name}`}>
                {formatConnection(h)}
              </code>
            </Td>
            <Td dataLabel="State">
              <span className="qhci-state-cell">
                <HostStateLabel host={h} />
                {props.syncing.has(h.id) && (
                  <Spinner
                    size="sm"
                    aria-label={`Syncing ${h.name}`}
                    data-testid={`host-syncing-${h.name}`}
                  />
                )}
              </span>
            </Td>
            <Td dataLabel="CPUs" data-testid={`host-cpus-${h.name}`}>
              {h.facts?.cpus ?? '—'}
            </Td>
            <Td dataLabel="Memory" modifier="nowrap" data-testid={`host-memory-${h.name}`}>
              {h.facts ? formatBytes(h.facts.memoryBytes) : '—'}
            </Td>
            <Td dataLabel="VMs" data-testid={`host-vms-${h.name}`}>
              {h.vmCount}
            </Td>
            <Td isActionCell>
              <ActionsColumn
                items={[
                  {
                    title: <span data-testid={`host-sync-${h.name}`}>Sync now</span>,
                    onClick: () => props.onAction('sync', h),
                    isDisabled: props.syncing.has(h.id),
                  },
                  {
                    title: <span data-testid={`host-edit-${h.name}`}>Edit</span>,
                    onClick: () => props.onAction('edit', h),
                  },
                  {
                    title: (
                      <span data-testid={`host-maintenance-action-${h.name}`}>
                        {h.maintenance ? 'Exit maintenance' : 'Enter maintenance…'}
                      </span>
                    ),
                    onClick: () => props.onAction('maintenance', h),
                  },
                  { isSeparator: true },
                  {
                    title: <span data-testid={`host-remove-${h.name}`}>Remove</span>,
                    onClick: () => props.onAction('remove', h),
                    isDanger: true,
                  },
                ]}
                actionsToggle={({ onToggle, isOpen, isDisabled, toggleRef }) => (
                  <MenuToggle
                    ref={toggleRef}
                    variant="plain"
                    onClick={onToggle}
                    isExpanded={isOpen}
                    isDisabled={isDisabled}
                    aria-label={`Actions for ${h.name}`}
                    data-testid={`host-actions-${h.name}`}
                    icon={<EllipsisVIcon />}
                  />
                )}
              />
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
