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
  Stack,
  Tab,
  Tabs,
  TabTitleText,
  Title,
} from '@patternfly/react-core';
import FolderOpenIcon from '@patternfly/react-icons/dist/esm/icons/folder-open-icon';
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon';
import { useState } from 'react';
import { useQhciQuery } from '../../api/hooks';
import { useUi, type VmTab } from '../../stores/ui';
import { ExposedDisplay } from '../console/ExposedDisplay';
import { SerialConsole } from '../console/SerialConsole';
import { Thumbnail } from '../console/Thumbnail';
import { VncConsole } from '../console/VncConsole';
import { formatBytes, formatTime } from '../hosts/format';
import type { VmActionName } from '../clones/actions';
import { ParentLink, parentTerm, TemplateClonesCard, TemplateLabel } from '../clones/CloneRelations';
import { VmActionDialog } from '../clones/VmActionDialog';
import { VmCloneActions } from '../clones/VmCloneActions';
import { SnapshotsTab } from '../snapshots/SnapshotsTab';
import { SettingsTab } from '../settings/SettingsTab';
import { VmStateLabel } from '../hosts/HostVms';
import { useInventoryLookups } from './lookups';
import { usePower } from './usePower';
import { VmDeleteModal } from './VmDeleteModal';
import { VmMoveModal } from './VmMoveModal';
import { PowerFailures } from './PowerFailures';
import { VmGuest } from './VmGuest';
import { VmPowerButtons } from './VmPowerButtons';
import { Disks, Nics } from './VmDevices';
import { VmUsage } from '../usage/VmUsage';

/** One VM: what it is, where it runs, its devices and how it was created; power, move and delete. */
export function VmDetail(props: { vmId: string }) {
  const openVm = useUi((s) => s.openVm);
  const openHost = useUi((s) => s.openHost);
  const selectFolder = useUi((s) => s.selectFolder);
  const goTo = useUi((s) => s.goTo);
  const tab = useUi((s) => s.vmTab);
  const setTab = useUi((s) => s.setVmTab);
  const detachConsole = useUi((s) => s.detachConsole);
  const detail = useQhciQuery('vms.get', { id: props.vmId });
  const inventory = useInventoryLookups();
  const power = usePower();
  const [dialog, setDialog] = useState<'move' | 'delete' | VmActionName | null>(null);
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
  // A VM that became a template while its console was open shows its overview (Settings says why not).
  const shownTab = vm.template && tab !== 'settings' ? 'overview' : tab;
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
    ...(parentTerm(vm) === null
      ? []
      : [
          [parentTerm(vm)!, <ParentLink key="parent" vm={vm} />, 'vm-detail-parent'] as [
            string,
            React.ReactNode,
            string,
          ],
        ]),
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
              {vm.template ? (
                <TemplateLabel />
              ) : (
                <span data-testid="vm-detail-state">
                  <VmStateLabel vm={vm} />
                </span>
              )}
            </Flex>
          </FlexItem>
          <FlexItem>
            <Flex gap={{ default: 'gapSm' }} alignItems={{ default: 'alignItemsCenter' }}>
              {/* A template is never started: its page has no power buttons and no console. */}
              {!vm.template && (
                <VmPowerButtons
                  vm={vm}
                  pending={power.pending.get(vm.id) ?? null}
                  onAction={(action) => power.run([vm], action)}
                />
              )}
              <VmCloneActions vm={vm} onAction={setDialog} />
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
        {(vm.details.graphics ?? [])
          .filter((g) => g.exposed)
          .map((g, i) => (
            <ExposedDisplay key={i} kind={g.type} listen={g.listen ?? null} testId="vm-detail-exposed" />
          ))}
      </PageSection>
      <PageSection isFilled>
        <Tabs
          activeKey={shownTab}
          onSelect={(_e, key) => setTab(key as VmTab)}
          // A console connects when its tab opens and closes when it is left.
          mountOnEnter
          unmountOnExit
          aria-label={`Views of ${vm.name}`}
          data-testid="vm-detail-tabs"
        >
          <Tab
            eventKey="overview"
            title={<TabTitleText>Overview</TabTitleText>}
            data-testid="vm-tab-overview"
          >
            <div className="qhci-vm-tab-body">
              <Grid hasGutter>
                <GridItem lg={6}>
                  <Card isFullHeight data-testid="vm-detail-overview">
                    <CardTitle component="h2">Overview</CardTitle>
                    <CardBody>
                      <DescriptionList isHorizontal isCompact>
                        {facts.map(([term, value, testId]) => (
                          <DescriptionListGroup key={term}>
                            <DescriptionListTerm>{term}</DescriptionListTerm>
                            <DescriptionListDescription data-testid={testId}>
                              {value}
                            </DescriptionListDescription>
                          </DescriptionListGroup>
                        ))}
                      </DescriptionList>
                    </CardBody>
                  </Card>
                </GridItem>
                <GridItem lg={6}>
                  <Stack hasGutter>
                    {vm.template ? (
                      <TemplateClonesCard template={vm} />
                    ) : (
                      <Card data-testid="vm-detail-screen">
                        <CardTitle component="h2">Screen</CardTitle>
                        <CardBody>
                          <Thumbnail
                            vmId={vm.id}
                            vmName={vm.name}
                            vmState={vm.state}
                            onOpen={() => setTab('console')}
                          />
                        </CardBody>
                      </Card>
                    )}
                    <Card data-testid="vm-detail-request">
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
                  </Stack>
                </GridItem>
                {!vm.template && (
                  <GridItem span={12}>
                    <VmUsage
                      vmId={vm.id}
                      vmName={vm.name}
                      hostId={vm.hostId}
                      running={vm.state === 'running'}
                    />
                  </GridItem>
                )}
                <GridItem span={12}>
                  <Disks vm={vm} />
                </GridItem>
                <GridItem span={12}>
                  <Nics vm={vm} />
                </GridItem>
              </Grid>
            </div>
          </Tab>
          {/* A template has no console (never started) and no snapshots (its disks are its clones' bases). */}
          <Tab
            eventKey="console"
            title={<TabTitleText>Console</TabTitleText>}
            isHidden={vm.template}
            data-testid="vm-tab-console"
          >
            <div className="qhci-vm-tab-body">
              <VncConsole vmId={vm.id} vmState={vm.state} onDetach={() => detachConsole(vm.id, 'vnc')} />
            </div>
          </Tab>
          <Tab
            eventKey="serial"
            title={<TabTitleText>Serial</TabTitleText>}
            isHidden={vm.template}
            data-testid="vm-tab-serial"
          >
            <div className="qhci-vm-tab-body">
              <SerialConsole
                vmId={vm.id}
                vmState={vm.state}
                onDetach={() => detachConsole(vm.id, 'serial')}
              />
            </div>
          </Tab>
          <Tab
            eventKey="snapshots"
            title={<TabTitleText>Snapshots</TabTitleText>}
            isHidden={vm.template}
            data-testid="vm-tab-snapshots"
          >
            <div className="qhci-vm-tab-body">
              <SnapshotsTab vmId={vm.id} vmName={vm.name} vmState={vm.state} />
            </div>
          </Tab>
          <Tab
            eventKey="settings"
            title={<TabTitleText>Settings</TabTitleText>}
            data-testid="vm-tab-settings"
          >
            <div className="qhci-vm-tab-body">
              <SettingsTab vm={vm} />
            </div>
          </Tab>
        </Tabs>
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
      {dialog !== null && dialog !== 'move' && dialog !== 'delete' && (
        <VmActionDialog vm={vm} action={dialog} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}
