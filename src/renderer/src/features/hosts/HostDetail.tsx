import {
  Alert,
  Breadcrumb,
  BreadcrumbItem,
  Button,
  Content,
  Flex,
  FlexItem,
  Grid,
  GridItem,
  PageSection,
  Spinner,
  Title,
} from '@patternfly/react-core';
import PencilAltIcon from '@patternfly/react-icons/dist/esm/icons/pencil-alt-icon';
import SyncAltIcon from '@patternfly/react-icons/dist/esm/icons/sync-alt-icon';
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon';
import { useState } from 'react';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { useUi } from '../../stores/ui';
import type { FormMode } from './draft';
import { HostCapacity } from './HostCapacity';
import { HostFormModal } from './HostFormModal';
import { HostImages } from './HostImages';
import { HostInventoryTables } from './HostInventoryTables';
import { HostRemoveModal } from './HostRemoveModal';
import { HostStateLabel } from './HostStateLabel';
import { HostVms } from './HostVms';
import { formatConnection, formatTime, KIND_LABEL } from './format';
import { SyncOutcomeAlert } from './SyncOutcomeAlert';
import { useHostSync } from './useHostSync';
import { HostUsage } from '../usage/HostUsage';
import { MaintenanceAction } from '../maintenance/MaintenanceAction';

/** One host: its state, capacity, storage, networks, images and virtual machines (with power actions). */
export function HostDetail(props: { hostId: string }) {
  const openHost = useUi((s) => s.openHost);
  const project = useProjectInput();
  const detail = useQhciQuery('hosts.get', { id: props.hostId });
  const vms = useQhciQuery('vms.list', project);
  const sync = useHostSync();
  const [dialog, setDialog] = useState<{ kind: 'edit'; mode: FormMode } | { kind: 'remove' } | null>(null);
  const back = () => openHost(null);

  const breadcrumb = (
    <Breadcrumb>
      <BreadcrumbItem>
        <Button variant="link" isInline onClick={back} data-testid="host-detail-back">
          Hosts
        </Button>
      </BreadcrumbItem>
      <BreadcrumbItem isActive>{detail.data?.host.name ?? '…'}</BreadcrumbItem>
    </Breadcrumb>
  );

  if (detail.isPending) {
    return (
      <PageSection>
        {breadcrumb}
        <Spinner aria-label="Loading the host" />
      </PageSection>
    );
  }
  if (detail.isError) {
    return (
      <PageSection>
        {breadcrumb}
        <Alert variant="danger" isInline title={detail.error.message} data-testid="host-detail-load-error">
          <Button variant="link" isInline onClick={back}>
            Back to the hosts
          </Button>
        </Alert>
      </PageSection>
    );
  }

  const { host, pools, networks, volumes } = detail.data;
  const hostVms = (vms.data ?? []).filter((v) => v.hostId === host.id);
  const syncing = sync.running.has(host.id);

  return (
    <div data-testid="host-detail">
      <PageSection>
        {breadcrumb}
        <Flex
          justifyContent={{ default: 'justifyContentSpaceBetween' }}
          alignItems={{ default: 'alignItemsCenter' }}
          className="qhci-detail-head"
        >
          <FlexItem>
            <Flex alignItems={{ default: 'alignItemsCenter' }} gap={{ default: 'gapMd' }}>
              <Title headingLevel="h1" data-testid="host-detail-name">
                {host.name}
              </Title>
              <span data-testid="host-detail-state">
                <HostStateLabel host={host} />
              </span>
              {syncing && <Spinner size="md" aria-label={`Syncing ${host.name}`} />}
            </Flex>
            <Content component="p" className="qhci-subtle">
              {KIND_LABEL[host.kind]} ·{' '}
              <code data-testid="host-detail-connection">{formatConnection(host)}</code>
              {host.kind === 'ssh' && (
                <>
                  {' '}
                  · libvirt <code>{host.uri}</code>
                </>
              )}{' '}
              · last seen <span data-testid="host-detail-last-seen">{formatTime(host.lastSeen)}</span>
            </Content>
          </FlexItem>
          <FlexItem>
            <Flex gap={{ default: 'gapSm' }}>
              <Button
                variant="secondary"
                icon={<SyncAltIcon />}
                onClick={() => sync.start(host)}
                isDisabled={syncing}
                data-testid="host-detail-sync"
              >
                Sync now
              </Button>
              <MaintenanceAction host={host} />
              <Button
                variant="secondary"
                icon={<PencilAltIcon />}
                onClick={() => setDialog({ kind: 'edit', mode: { kind: 'edit', host } })}
                data-testid="host-detail-edit"
              >
                Edit
              </Button>
              <Button
                variant="secondary"
                isDanger
                icon={<TrashIcon />}
                onClick={() => setDialog({ kind: 'remove' })}
                data-testid="host-detail-remove"
              >
                Remove
              </Button>
            </Flex>
          </FlexItem>
        </Flex>
        {host.lastError !== null && (
          <Alert
            variant={host.stale ? 'warning' : 'danger'}
            isInline
            title={
              host.stale
                ? `QHCI could not reach ${host.name}: this is the inventory as of ${formatTime(host.lastSeen)}`
                : 'Last error'
            }
            data-testid="host-detail-error"
            className="qhci-detail-alert"
          >
            {host.lastError}
          </Alert>
        )}
        <SyncOutcomeAlert outcome={sync.outcome} onClose={sync.dismiss} />
      </PageSection>
      <PageSection isFilled>
        <Grid hasGutter>
          <GridItem span={12}>
            <HostCapacity host={host} pools={pools} vms={hostVms} />
          </GridItem>
          <GridItem span={12}>
            <HostUsage hostId={host.id} hostName={host.name} pools={pools.map((p) => p.name)} />
          </GridItem>
          <GridItem span={12}>
            <HostVms vms={hostVms} loading={vms.isPending} error={vms.error?.message} />
          </GridItem>
          <GridItem span={12}>
            <HostImages hostId={host.id} />
          </GridItem>
          <HostInventoryTables pools={pools} networks={networks} volumes={volumes} />
        </Grid>
      </PageSection>

      {dialog?.kind === 'edit' && <HostFormModal mode={dialog.mode} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'remove' && (
        <HostRemoveModal host={host} onClose={() => setDialog(null)} onRemoved={back} />
      )}
    </div>
  );
}
