import { Button, MenuToggle } from '@patternfly/react-core';
import EllipsisVIcon from '@patternfly/react-icons/dist/esm/icons/ellipsis-v-icon';
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { CustomizationSpec } from '../../../../shared/domain/spec';

export type SpecAction = 'edit' | 'duplicate' | 'delete';

const COLUMNS = ['Name', 'OS family', 'Time zone', 'Hostname template', 'Password', 'SSH keys', 'Updated'];

const OS_LABEL = { linux: 'Linux', windows: 'Windows' } as const;

/** One row per spec; the password column says only whether one is set. */
export function SpecsTable(props: {
  specs: readonly CustomizationSpec[];
  onAction: (action: SpecAction, spec: CustomizationSpec) => void;
}) {
  return (
    <Table aria-label="Customization specs" variant="compact" data-testid="spec-table">
      <Thead>
        <Tr>
          {COLUMNS.map((c) => (
            <Th key={c} modifier="nowrap">
              {c}
            </Th>
          ))}
          <Th screenReaderText="Edit" />
          <Th screenReaderText="More actions" />
        </Tr>
      </Thead>
      <Tbody>
        {props.specs.map((s) => (
          <Tr key={s.id} data-testid={`spec-row-${s.name}`}>
            <Td dataLabel="Name">
              <strong className="qhci-nowrap">{s.name}</strong>
              {s.description !== '' && <div className="qhci-subtle">{s.description}</div>}
            </Td>
            <Td dataLabel="OS family">{OS_LABEL[s.osFamily]}</Td>
            <Td dataLabel="Time zone">{s.timezone}</Td>
            <Td dataLabel="Hostname template">
              <code className="qhci-nowrap">{s.hostnameTemplate}</code>
            </Td>
            <Td dataLabel="Password" data-testid="spec-cell-password">
              {s.adminPasswordSet ? 'Set' : 'Not set'}
            </Td>
            <Td dataLabel="SSH keys" data-testid="spec-cell-ssh-keys">
              {s.sshKeys.length}
            </Td>
            <Td dataLabel="Updated">{new Date(s.updatedAt).toLocaleString()}</Td>
            <Td modifier="fitContent">
              <Button
                variant="link"
                onClick={() => props.onAction('edit', s)}
                data-testid={`spec-edit-${s.name}`}
                aria-label={`Edit ${s.name}`}
              >
                Edit
              </Button>
            </Td>
            <Td isActionCell>
              <ActionsColumn
                items={[
                  {
                    title: <span data-testid={`spec-duplicate-${s.name}`}>Save as…</span>,
                    onClick: () => props.onAction('duplicate', s),
                  },
                  { isSeparator: true },
                  {
                    title: <span data-testid={`spec-delete-${s.name}`}>Delete</span>,
                    onClick: () => props.onAction('delete', s),
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
                    aria-label={`More actions for ${s.name}`}
                    data-testid={`spec-actions-${s.name}`}
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
