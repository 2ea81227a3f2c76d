import { Button, Flex, FlexItem } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
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
            <Th key={c}>{c}</Th>
          ))}
          <Th screenReaderText="Actions" />
        </Tr>
      </Thead>
      <Tbody>
        {props.specs.map((s) => (
          <Tr key={s.id} data-testid={`spec-row-${s.name}`}>
            <Td dataLabel="Name">
              <strong>{s.name}</strong>
              {s.description !== '' && <div className="pf-v6-u-color-200">{s.description}</div>}
            </Td>
            <Td dataLabel="OS family">{OS_LABEL[s.osFamily]}</Td>
            <Td dataLabel="Time zone">{s.timezone}</Td>
            <Td dataLabel="Hostname template">
              <code>{s.hostnameTemplate}</code>
            </Td>
            <Td dataLabel="Password" data-testid="spec-cell-password">
              {s.adminPasswordSet ? 'Set' : 'Not set'}
            </Td>
            <Td dataLabel="SSH keys" data-testid="spec-cell-ssh-keys">
              {s.sshKeys.length}
            </Td>
            <Td dataLabel="Updated">{new Date(s.updatedAt).toLocaleString()}</Td>
            <Td isActionCell>
              <Flex spaceItems={{ default: 'spaceItemsSm' }} flexWrap={{ default: 'nowrap' }}>
                <FlexItem>
                  <Button
                    variant="link"
                    isInline
                    onClick={() => props.onAction('edit', s)}
                    data-testid={`spec-edit-${s.name}`}
                    aria-label={`Edit ${s.name}`}
                  >
                    Edit
                  </Button>
                </FlexItem>
                <FlexItem>
                  <Button
                    variant="link"
                    isInline
                    onClick={() => props.onAction('duplicate', s)}
                    data-testid={`spec-duplicate-${s.name}`}
                    aria-label={`Save ${s.name} as a new spec`}
                  >
                    Save as…
                  </Button>
                </FlexItem>
                <FlexItem>
                  <Button
                    variant="link"
                    isInline
                    isDanger
                    onClick={() => props.onAction('delete', s)}
                    data-testid={`spec-delete-${s.name}`}
                    aria-label={`Delete ${s.name}`}
                  >
                    Delete
                  </Button>
                </FlexItem>
              </Flex>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
