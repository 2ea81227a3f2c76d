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
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import PlusIcon from '@patternfly/react-icons/dist/esm/icons/plus-icon';
import ServerIcon from '@patternfly/react-icons/dist/esm/icons/server-icon';
import { useState } from 'react';
import type { HostSummary } from '../../../../shared/domain/host';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { useUi } from '../../stores/ui';
import { MaintenanceModal } from '../maintenance/MaintenanceModal';
import { useExitMaintenance } from '../maintenance/MaintenanceAction';
import type { FormMode } from './draft';
import { HostDetail } from './HostDetail';
import { HostFormModal } from './HostFormModal';
import { HostRemoveModal } from './HostRemoveModal';
import { HostsTable, type HostAction } from './HostsTable';
import { LocalHostSuggestion } from './LocalHostSuggestion';
import './hosts.css';
import { SyncOutcomeAlert } from './SyncOutcomeAlert';
import { useHostSync } from './useHostSync';

type Dialog =
  | { kind: 'form'; mode: FormMode }
  | { kind: 'remove'; host: HostSummary }
  | { kind: 'maintenance'; host: HostSummary }
  | null;

export function HostsPage() {
  const selected = useUi((s) => s.selectedHostId);
  return selected === null ? <HostList /> : <HostDetail hostId={selected} />;
}

function HostList() {
  const project = useProjectInput();
  const hosts = useQhciQuery('hosts.list', project);
  const openHost = useUi((s) => s.openHost);
  const sync = useHostSync();
  const [dialog, setDialog] = useState<Dialog>(null);
  const exitMaintenance = useExitMaintenance();
  const close = () => setDialog(null);
  const addHost = () => setDialog({ kind: 'form', mode: { kind: 'add' } });

  const onAction = (action: HostAction, host: HostSummary) => {
    if (action === 'open') openHost(host.id);
    else if (action === 'sync') sync.start(host);
    else if (action === 'edit') setDialog({ kind: 'form', mode: { kind: 'edit', host } });
    else if (action === 'maintenance') {
      if (host.maintenance) exitMaintenance.exit(host);
      else setDialog({ kind: 'maintenance', host });
    } else setDialog({ kind: 'remove', host });
  };

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Hosts</Title>
      </PageSection>
      <PageSection isFilled>
        <Card>
          <Toolbar aria-label="Host actions">
            <ToolbarContent>
              <ToolbarItem>
                <Button variant="primary" icon={<PlusIcon />} onClick={addHost} data-testid="host-add">
                  Add host
                </Button>
              </ToolbarItem>
            </ToolbarContent>
          </Toolbar>
          <SyncOutcomeAlert outcome={sync.outcome} onClose={sync.dismiss} />
          {exitMaintenance.error !== null && (
            <Alert
              variant="danger"
              isInline
              title={exitMaintenance.error}
              actionClose={<AlertActionCloseButton onClose={exitMaintenance.dismiss} />}
              data-testid="maintenance-exit-error"
            />
          )}
          <LocalHostSuggestion />
          {hosts.isPending && <Spinner aria-label="Loading hosts" />}
          {hosts.isError && (
            <Alert variant="danger" isInline title={hosts.error.message} data-testid="host-load-error" />
          )}
          {hosts.data?.length === 0 && (
            <EmptyState
              titleText="No hosts yet"
              headingLevel="h2"
              icon={ServerIcon}
              data-testid="hosts-empty"
            >
              <EmptyStateBody>
                Add a KVM/libvirt host to see its CPUs, memory, storage, networks and virtual machines. QHCI
                connects over SSH (virsh on the host) or with a libvirt URI.
              </EmptyStateBody>
              <EmptyStateFooter>
                <EmptyStateActions>
                  <Button variant="primary" onClick={addHost} data-testid="host-add-empty">
                    Add host
                  </Button>
                </EmptyStateActions>
              </EmptyStateFooter>
            </EmptyState>
          )}
          {hosts.data !== undefined && hosts.data.length > 0 && (
            <HostsTable hosts={hosts.data} syncing={sync.running} onAction={onAction} />
          )}
        </Card>
      </PageSection>

      {dialog?.kind === 'form' && <HostFormModal mode={dialog.mode} onClose={close} />}
      {dialog?.kind === 'remove' && <HostRemoveModal host={dialog.host} onClose={close} />}
      {dialog?.kind === 'maintenance' && <MaintenanceModal host={dialog.host} onClose={close} />}
    </>
  );
}
