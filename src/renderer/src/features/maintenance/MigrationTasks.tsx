import { Title } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { EvacuationMove } from '../../../../shared/domain/evacuation';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { TaskProgress } from '../tasks/TaskProgress';
import { TaskStateLabel } from '../tasks/TaskStateLabel';

/**
 * The migrations that entering maintenance starts, one row per planned VM: each is its own `vm.migrate`
 * task, found in the task list (which task.progress events keep current) as created since the maintenance
 * task `taskId` was (both times are main's, so they compare).
 */
export function MigrationTasks(props: { moves: readonly EvacuationMove[]; taskId: string }) {
  const tasks = useQhciQuery('tasks.list', useProjectInput()).data ?? [];
  const since = useQhciQuery('tasks.get', { id: props.taskId }).data?.createdAt;
  if (props.moves.length === 0 || since === undefined) return null;
  const latest = (vmId: string) =>
    tasks
      .filter((t) => t.kind === 'vm.migrate' && t.targetId === vmId && t.createdAt >= since)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return (
    <>
      <Title headingLevel="h4" className="qhci-maintenance-heading">
        Migrations
      </Title>
      <Table aria-label="Migrations" variant="compact" data-testid="maintenance-migrations">
        <Thead>
          <Tr>
            <Th>VM</Th>
            <Th>To</Th>
            <Th modifier="nowrap">State</Th>
            <Th width={40}>Progress</Th>
          </Tr>
        </Thead>
        <Tbody>
          {props.moves.map((m) => {
            const t = latest(m.vmId);
            return (
              <Tr key={m.vmId} data-testid={`maintenance-migration-${m.name}`}>
                <Td dataLabel="VM">{m.name}</Td>
                <Td dataLabel="To">{m.toHostName}</Td>
                <Td dataLabel="State" modifier="nowrap">
                  {t ? (
                    <TaskStateLabel task={t} testId={`maintenance-migration-state-${m.name}`} />
                  ) : (
                    <span className="qhci-subtle">Waiting</span>
                  )}
                </Td>
                <Td dataLabel="Progress">
                  {t && (
                    <TaskProgress task={t} size="sm" testId={`maintenance-migration-progress-${m.name}`} />
                  )}
                </Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>
    </>
  );
}
