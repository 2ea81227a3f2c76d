import {
  Alert,
  Breadcrumb,
  BreadcrumbItem,
  Button,
  Card,
  CardBody,
  CardTitle,
  CodeBlock,
  CodeBlockCode,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  Grid,
  GridItem,
  Label,
  LabelGroup,
  PageSection,
  Spinner,
  Title,
} from '@patternfly/react-core';
import FolderOpenIcon from '@patternfly/react-icons/dist/esm/icons/folder-open-icon';
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useState } from 'react';
import type { VmDetail as VmDetailData } from '../../../../shared/domain/vm';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { useUi } from '../../stores/ui';
import { formatBytes, formatTime } from '../hosts/format';
import { VmStateLabel } from '../hosts/HostVms';
import { useInventoryLookups } from './lookups';
import { usePower } from './usePower';
import { VmDeleteModal } from './VmDeleteModal';
import { VmMoveModal } from './VmMoveModal';
import { PowerFailures } from './PowerFailures';
import { VmGuest } from './VmGuest';
import { VmPowerButtons } from './VmPowerButtons';

/**
 * The backing chain below a disk's source, nearest first. libvirt reports it for running domains only, so
 * otherwise it is followed through the host's volumes as the last sync found them.
 */
function chainOf(
  disk: { source: string | null; backingChain: readonly string[] },
  backingOf: ReadonlyMap<string, string | null>,
): readonly string[] {
  if (disk.backingChain.length > 0 || disk.source === null) return disk.backingChain;
  const chain: string[] = [];
  for (
    let p = backingOf.get(disk.source);
    p && !chain.includes(p) && chain.length < 16;
    p = backingOf.get(p)
  ) {
    chain.push(p);
  }
  return chain;
}

function Disks(props: { vm: VmDetailData }) {
  const disks = props.vm.details.disks ?? [];
  const project = useProjectInput();
  const hostId = props.vm.hostId;
  const volumes = useQhciQuery(
    'images.list',
    { ...project, hostId: hostId ?? '' },
    { enabled: hostId !== null && disks.length > 0 },
  );
  const backingOf = new Map((volumes.data ?? []).map((v) => [v.path, v.backingPath]));
  return (
    <Card data-testid="vm-detail-disks">
      <CardTitle component="h2">Disks ({disks.length})</CardTitle>
      {disks.length === 0 ? (
        <CardBody className="qhci-subtle">No disks.</CardBody>
      ) : (
        <Table aria-label="Disks" variant="compact">
          <Thead>
            <Tr>
              <Th>Target</Th>
              <Th>Device</Th>
              <Th>Bus</Th>
              <Th>Format</Th>
              <Th>Source and backing chain</Th>
            </Tr>
          </Thead>
          <Tbody>
            {disks.map((d) => (
              <Tr key={d.target} data-testid={`vm-disk-${d.target}`}>
                <Td dataLabel="Target">
                  <strong>{d.target}</strong>
                </Td>
                <Td dataLabel="Device">{d.device}</Td>
                <Td dataLabel="Bus">{d.bus ?? '—'}</Td>
                <Td dataLabel="Format">{d.format ?? '—'}</Td>
                <Td dataLabel="Source and backing chain">
                  <code className="qhci-break" data-testid={`vm-disk-source-${d.target}`}>
                    {d.source ?? '—'}
                  </code>
                  {chainOf(d, backingOf).length > 0 && (
                    <ol
                      className="qhci-vm-detail-chain"
                      aria-label={`Backing chain of ${d.target}`}
                      data-testid={`vm-disk-chain-${d.target}`}
                    >
                      {chainOf(d, backingOf).map((b) => (
                        <li key={b} className="qhci-break">
                          ↳ {b}
                        </li>
                      ))}
                    </ol>
                  )}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </Card>
  );
}

function Nics(props: { vm: VmDetailData }) {
  const nics = props.vm.details.nics ?? [];
  return (
    <Card data-testid="vm-detail-nics">
      <CardTitle component="h2">Network interfaces ({nics.length})</CardTitle>
      {nics.length === 0 ? (
        <CardBody className="qhci-subtle">No network interfaces.</CardBody>
      ) : (
        <Table aria-label="Network interfaces" variant="compact">
          <Thead>
            <Tr>
              <Th>Type</Th>
              <Th>Source</Th>
              <Th>MAC</Th>
              <Th>Model</Th>
            </Tr>
          </Thead>
          <Tbody>
            {nics.map((n, i) => (
              <Tr key={n.mac ?? i} data-testid={`vm-nic-${i}`}>
                <Td dataLabel="Type">{n.type}</Td>
                <Td dataLabel="Source">{n.source ?? '—'}</Td>
                <Td dataLabel="MAC">
                  <code>{n.mac ?? '—'}</code>
                </Td>
                <Td dataLabel="Model">{n.model ?? '—'}</Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </Card>
  );
}

/** One VM: what it is, where it runs, its devices and how it was created; power, move and delete. */
export function VmDetail(props: { vmId: string }) {
  const openVm = useUi((s) => s.openVm);
  const openHost = useUi((s) => s.openHost);
  const selectFolder = useUi((s) => s.selectFolder);
  const goTo = useUi((s) => s.goTo);
  const detail = useQhciQuery('vms.get', { id: props.vmId });
  const inventory = useInventoryLookups();
  const power = usePower();
  const [dialog, setDialog] = useState<'move' | 'delete' | null>(null);
  const back = () => openVm(null);

  const breadcrumb = (
    <Breadcrumb>
      <BreadcrumbItem>
        <Button variant="link" isInline onClick={back} data-testid="vm-detail-back">
          Virtual Machines
        </Button>
      </BreadcrumbItem>
      <BreadcrumbItem isActive>{detail.data?.name ?? '…'}</BreadcrumbItem>
    </Breadcrumb>
  );

  if (detail.isPending) {
    return (
      <PageSection>
        {breadcrumb}
        <Spinner aria-label="Loading the virtual machine" />
      </PageSection>
    );
  }
  if (detail.isError) {
    return (
      <PageSection>
        {breadcrumb}
        <Alert variant="danger" isInline title={detail.error.message} data-testid="vm-detail-load-error">
          <Button variant="link" isInline onClick={back}>
            Back to the virtual machines
          </Button>
        </Alert>
      </PageSection>
    );
  }

  const vm = detail.data;
  const hostName = vm.hostId === null ? null : (inventory.hostNames.get(vm.hostId) ?? vm.hostId);
  const folderPath = vm.folderId === null ? null : (inventory.folderPaths.get(vm.folderId) ?? null);
  const labels = Object.entries(vm.labels);
  const facts: [string, React.ReactNode, string][] = [
    [
      'Host',
      vm.hostId === null ? (
        'Not on a host'
      ) : (
        <Button variant="link" isInline onClick={() => openHost(vm.hostId)} data-testid="vm-detail-host-link">
          {hostName}
        </Button>
      ),
      'vm-detail-host',
    ],
    [
      'Folder',
      vm.folderId === null ? (
        'In no folder'
      ) : (
        <Button
          variant="link"
          isInline
          onClick={() => {
            selectFolder(vm.folderId);
            goTo('folders');
          }}
          data-testid="vm-detail-folder-link"
        >
          {folderPath ?? vm.folderId}
        </Button>
      ),
      'vm-detail-folder',
    ],
    ['vCPUs', vm.vcpus ?? '—', 'vm-detail-vcpus'],
    ['Memory', vm.memoryBytes === null ? '—' : formatBytes(vm.memoryBytes), 'vm-detail-memory'],
    ['Domain type', vm.details.type ?? '—', 'vm-detail-type'],
    ['Guest', <VmGuest key={`guest-${vm.state}`} vmId={vm.id} state={vm.state} />, 'vm-detail-guest'],
    ['UUID', vm.uuid === null ? '—' : <code>{vm.uuid}</code>, 'vm-detail-uuid'],
    ['Description', vm.description || '—', 'vm-detail-description'],
    [
      'Labels',
      labels.length === 0 ? (
        '—'
      ) : (
        <LabelGroup>
          {labels.map(([k, v]) => (
            <Label key={k} isCompact>
              {v === '' ? k : `${k}=${v}`}
            </Label>
          ))}
        </LabelGroup>
      ),
      'vm-detail-labels',
    ],
    ['Known since', formatTime(vm.createdAt), 'vm-detail-created'],
  ];

  return (
    <div data-testid="vm-detail">
      <PageSection>
        {breadcrumb}
        <Flex
          justifyContent={{ default: 'justifyContentSpaceBetween' }}
          alignItems={{ default: 'alignItemsCenter' }}
          className="qhci-detail-head"
        >
          <FlexItem>
            <Flex alignItems={{ default: 'alignItemsCenter' }} gap={{ default: 'gapMd' }}>
              <Title headingLevel="h1" data-testid="vm-detail-name">
                {vm.name}
              </Title>
              <span data-testid="vm-detail-state">
                <VmStateLabel vm={vm} />
              </span>
            </Flex>
          </FlexItem>
          <FlexItem>
            <Flex gap={{ default: 'gapSm' }} alignItems={{ default: 'alignItemsCenter' }}>
              <VmPowerButtons
                vm={vm}
                pending={power.pending.get(vm.id) ?? null}
                onAction={(action) => power.run([vm], action)}
              />
              <Button
                variant="secondary"
                icon={<FolderOpenIcon />}
                onClick={() => setDialog('move')}
                data-testid="vm-detail-move"
              >
                Move to folder
              </Button>
              <Button
                variant="secondary"
                isDanger
                icon={<TrashIcon />}
                onClick={() => setDialog('delete')}
                data-testid="vm-detail-delete"
              >
                Delete
              </Button>
            </Flex>
          </FlexItem>
        </Flex>
        <PowerFailures power={power} />
      </PageSection>
      <PageSection isFilled>
        <Grid hasGutter>
          <GridItem lg={6}>
            <Card isFullHeight data-testid="vm-detail-overview">
              <CardTitle component="h2">Overview</CardTitle>
              <CardBody>
                <DescriptionList isHorizontal isCompact>
                  {facts.map(([term, value, testId]) => (
                    <DescriptionListGroup key={term}>
                      <DescriptionListTerm>{term}</DescriptionListTerm>
                      <DescriptionListDescription data-testid={testId}>{value}</DescriptionListDescription>
                    </DescriptionListGroup>
                  ))}
                </DescriptionList>
              </CardBody>
            </Card>
          </GridItem>
          <GridItem lg={6}>
            <Card isFullHeight data-testid="vm-detail-request">
              <CardTitle component="h2">Create request</CardTitle>
              <CardBody>
                {vm.request === null ? (
                  <span className="qhci-subtle" data-testid="vm-detail-no-request">
                    Found on its host by a sync: QHCI did not create it.
                  </span>
                ) : (
                  <CodeBlock>
                    <CodeBlockCode data-testid="vm-detail-request-json">
                      {JSON.stringify(vm.request, null, 2)}
                    </CodeBlockCode>
                  </CodeBlock>
                )}
              </CardBody>
            </Card>
          </GridItem>
          <GridItem span={12}>
            <Disks vm={vm} />
          </GridItem>
          <GridItem span={12}>
            <Nics vm={vm} />
          </GridItem>
        </Grid>
      </PageSection>
      {dialog === 'move' && (
        <VmMoveModal
          vmIds={[vm.id]}
          what={vm.name}
          folders={inventory.folders}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'delete' && <VmDeleteModal vm={vm} onClose={() => setDialog(null)} onDeleted={back} />}
    </div>
  );
}
