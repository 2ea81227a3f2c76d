import {
  Alert,
  AlertActionCloseButton,
  Button,
  Card,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  PageSection,
  Spinner,
  Title,
} from '@patternfly/react-core';
import DesktopIcon from '@patternfly/react-icons/dist/esm/icons/desktop-icon';
import { useCallback, useMemo, useState } from 'react';
import type { PowerActionName, VmSummary } from '../../../../shared/domain/vm';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import type { VmActionName } from '../clones/actions';
import { VmActionDialog } from '../clones/VmActionDialog';
import { useUi } from '../../stores/ui';
import { useUsageWatch } from '../usage/hooks';
import { hostsOf, usageLookup } from '../usage/lookup';
import { filterRowsOnce, sortRows, toRows } from './filter';
import { useInventoryLookups } from './lookups';
import { POWER_LABEL } from './power';
import { PowerFailures } from './PowerFailures';
import { usePower } from './usePower';
import { VmDetail } from './VmDetail';
import { VmInventoryTree } from './VmInventoryTree';
import { VmMoveModal } from './VmMoveModal';
import { VmTable } from './VmTable';
import { VmToolbar } from './VmToolbar';
import './vms.css';

export function VmsPage() {
  const selected = useUi((s) => s.selectedVmId);
  return selected === null ? <VmList /> : <VmDetail vmId={selected} />;
}

const NO_VMS: readonly VmSummary[] = [];

/** The tree on the left, the virtualised list with its filters on the right. */
function VmList() {
  const project = useProjectInput();
  const vms = useQhciQuery('vms.list', project);
  const inventory = useInventoryLookups();
  const sort = useUi((s) => s.vmSort);
  const setSort = useUi((s) => s.setVmSort);
  const selection = useUi((s) => s.vmSelection);
  const setSelection = useUi((s) => s.setVmSelection);
  const openVm = useUi((s) => s.openVm);
  const goTo = useUi((s) => s.goTo);
  const power = usePower();
  const [moving, setMoving] = useState(false);
  const [vmAction, setVmAction] = useState<{ vm: VmSummary; action: VmActionName } | null>(null);
  const [bulkNote, setBulkNote] = useState<string | null>(null);

  const all = vms.data ?? NO_VMS;
  const rows = useMemo(() => toRows(all, inventory), [all, inventory]);
  // Sorting by CPU or memory in use orders the VMs by their last sample when the sort is chosen: rows that
  // moved at every poll could not be read or clicked.
  const sorted = useMemo(() => sortRows(rows, sort.key, sort.direction, usageLookup), [rows, sort]);
  useUsageWatch(useMemo(() => hostsOf(all), [all]));
  // Checked VMs that no longer exist do not count.
  const checked = useMemo(() => all.filter((v) => selection.has(v.id)), [all, selection]);

  const { run } = power;
  const onPower = useCallback((vm: VmSummary, action: PowerActionName) => run([vm], action), [run]);
  const onOpen = useCallback((vm: VmSummary) => openVm(vm.id), [openVm]);
  const onVmAction = useCallback((vm: VmSummary, action: VmActionName) => setVmAction({ vm, action }), []);
  const onBulkPower = useCallback(
    (action: PowerActionName) => {
      const n = run(checked, action);
      const skipped = checked.length - n;
      setBulkNote(
        skipped === 0
          ? null
          : `${POWER_LABEL[action]}: ${skipped} of the ${checked.length} checked VMs were skipped (not in a state where it applies).`,
      );
    },
    [run, checked],
  );
  const onMove = useCallback(() => setMoving(true), []);

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Virtual Machines</Title>
      </PageSection>
      <PageSection isFilled>
        {vms.isPending && <Spinner aria-label="Loading virtual machines" />}
        {vms.isError && (
          <Alert variant="danger" isInline title={vms.error.message} data-testid="vm-load-error" />
        )}
        {vms.data?.length === 0 && (
          <EmptyState
            titleText="No virtual machines yet"
            headingLevel="h2"
            icon={DesktopIcon}
            data-testid="vms-empty"
          >
            <EmptyStateBody>
              The virtual machines of every host appear here once a host is added and synced, with their
              state, host and folder.
            </EmptyStateBody>
            <EmptyStateFooter>
              <EmptyStateActions>
                <Button variant="primary" onClick={() => goTo('create-vm')} data-testid="vm-create-empty">
                  Create VM
                </Button>
                <Button variant="link" onClick={() => goTo('hosts')} data-testid="vm-empty-hosts">
                  Go to hosts
                </Button>
              </EmptyStateActions>
            </EmptyStateFooter>
          </EmptyState>
        )}
        {vms.data !== undefined && vms.data.length > 0 && (
          <div className="qhci-vm-layout">
            <Card className="qhci-vm-tree-card">
              <VmInventoryTree vms={all} inventory={inventory} />
            </Card>
            <Card className="qhci-vm-list-card">
              <VmToolbar
                inventory={inventory}
                rows={sorted}
                selected={checked.length}
                onBulkPower={onBulkPower}
                onMove={onMove}
              />
              <PowerFailures power={power} />
              {bulkNote !== null && (
                <Alert
                  variant="info"
                  isInline
                  title={bulkNote}
                  actionClose={
                    <AlertActionCloseButton onClose={() => setBulkNote(null)} aria-label="Dismiss" />
                  }
                  data-testid="vm-bulk-note"
                  className="qhci-vm-alert"
                />
              )}
              <FilteredVmTable
                rows={sorted}
                selection={selection}
                pending={power.pending}
                sort={sort}
                onSort={setSort}
                onSelectionChange={setSelection}
                onOpen={onOpen}
                onPower={onPower}
                onVmAction={onVmAction}
              />
            </Card>
          </div>
        )}
      </PageSection>
      {moving && (
        <VmMoveModal
          vmIds={checked.map((v) => v.id)}
          what={checked.length === 1 ? checked[0]!.name : `${checked.length} virtual machines`}
          folders={inventory.folders}
          onClose={() => setMoving(false)}
        />
      )}
      {vmAction !== null && (
        <VmActionDialog vm={vmAction.vm} action={vmAction.action} onClose={() => setVmAction(null)} />
      )}
    </>
  );
}

/**
 * The table of the VMs that pass the filters. It reads the filters itself, so that a keystroke in the name
 * filter renders this and the toolbar's field and count, not the whole page.
 */
function FilteredVmTable(props: Parameters<typeof VmTable>[0]) {
  const filters = useUi((s) => s.vmFilters);
  const shown = filterRowsOnce(props.rows, filters);
  return (
    <>
      <VmTable {...props} rows={shown} />
      {shown.length === 0 && (
        <EmptyState
          titleText="No virtual machine matches the filters"
          headingLevel="h2"
          variant="sm"
          data-testid="vm-no-match"
        />
      )}
    </>
  );
}
