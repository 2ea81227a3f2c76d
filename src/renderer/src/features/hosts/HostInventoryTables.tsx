import { Card, CardBody, CardTitle, GridItem, Label } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { StoredNetwork, StoredPool, StoredVolume, VolumeKind } from '../../../../shared/domain/host';
import { formatBytes } from './format';

const VOLUME_KIND: Record<VolumeKind, { text: string; color: 'blue' | 'purple' | 'grey' }> = {
  'cloud-image': { text: 'Cloud image', color: 'blue' },
  iso: { text: 'ISO', color: 'purple' },
  disk: { text: 'Disk', color: 'grey' },
};

function Empty(props: { text: string; testId: string }) {
  return (
    <CardBody className="qhci-subtle" data-testid={props.testId}>
      {props.text}
    </CardBody>
  );
}

function Head(props: { columns: readonly string[] }) {
  return (
    <Thead>
      <Tr>
        {props.columns.map((c) => (
          <Th key={c} modifier="nowrap">
            {c}
          </Th>
        ))}
      </Tr>
    </Thead>
  );
}

/** The host's storage pools, networks and images/volumes, as the last sync found them. */
export function HostInventoryTables(props: {
  pools: readonly StoredPool[];
  networks: readonly StoredNetwork[];
  volumes: readonly StoredVolume[];
}) {
  const { pools, networks, volumes } = props;
  return (
    <>
      <GridItem span={12}>
        <Card isFullHeight data-testid="host-pools">
          <CardTitle component="h2">Storage pools ({pools.length})</CardTitle>
          {pools.length === 0 ? (
            <Empty text="No storage pools on this host." testId="host-pools-empty" />
          ) : (
            <Table aria-label="Storage pools" variant="compact">
              <Head columns={['Name', 'Type', 'State', 'Path', 'Capacity', 'Used', 'Free']} />
              <Tbody>
                {pools.map((p) => (
                  <Tr key={p.id} data-testid={`pool-row-${p.name}`}>
                    <Td dataLabel="Name" modifier="nowrap">
                      <strong>{p.name}</strong>
                    </Td>
                    <Td dataLabel="Type">{p.type}</Td>
                    <Td dataLabel="State">{p.state}</Td>
                    <Td dataLabel="Path">
                      <code className="qhci-break">{p.path ?? '—'}</code>
                    </Td>
                    <Td dataLabel="Capacity" modifier="nowrap">
                      {formatBytes(p.capacityBytes)}
                    </Td>
                    <Td dataLabel="Used" modifier="nowrap">
                      {formatBytes(p.allocationBytes)}
                    </Td>
                    <Td dataLabel="Free" modifier="nowrap">
                      {formatBytes(p.availableBytes)}
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </Card>
      </GridItem>
      <GridItem span={12}>
        <Card isFullHeight data-testid="host-networks">
          <CardTitle component="h2">Networks ({networks.length})</CardTitle>
          {networks.length === 0 ? (
            <Empty text="No libvirt networks on this host." testId="host-networks-empty" />
          ) : (
            <Table aria-label="Networks" variant="compact">
              <Head columns={['Name', 'Forward mode', 'Bridge', 'State']} />
              <Tbody>
                {networks.map((n) => (
                  <Tr key={n.id} data-testid={`network-row-${n.name}`}>
                    <Td dataLabel="Name" modifier="nowrap">
                      <strong>{n.name}</strong>
                    </Td>
                    <Td dataLabel="Forward mode" data-testid={`network-forward-${n.name}`}>
                      {n.forward ?? 'isolated'}
                    </Td>
                    <Td dataLabel="Bridge">
                      <code>{n.bridge ?? '—'}</code>
                    </Td>
                    <Td dataLabel="State" data-testid={`network-active-${n.name}`}>
                      <Label
                        isCompact
                        {...(n.active ? { status: 'success' as const } : { color: 'grey' as const })}
                      >
                        {n.active ? 'Active' : 'Inactive'}
                      </Label>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </Card>
      </GridItem>
      <GridItem span={12}>
        <Card data-testid="host-volumes">
          <CardTitle component="h2">Images and volumes ({volumes.length})</CardTitle>
          {volumes.length === 0 ? (
            <Empty text="No volumes in this host's storage pools." testId="host-volumes-empty" />
          ) : (
            <Table aria-label="Images and volumes" variant="compact">
              <Head
                columns={['Name', 'Pool', 'Kind', 'Format', 'Virtual size', 'Allocated', 'Backing file']}
              />
              <Tbody>
                {volumes.map((v) => (
                  <Tr key={v.id} data-testid={`volume-row-${v.name}`}>
                    <Td dataLabel="Name">
                      <strong className="qhci-break">{v.name}</strong>
                    </Td>
                    <Td dataLabel="Pool" modifier="nowrap">
                      {v.pool}
                    </Td>
                    <Td dataLabel="Kind" data-testid={`volume-kind-${v.name}`}>
                      <Label isCompact color={VOLUME_KIND[v.kind].color}>
                        {VOLUME_KIND[v.kind].text}
                      </Label>
                    </Td>
                    <Td dataLabel="Format" data-testid={`volume-format-${v.name}`}>
                      {v.format ?? '—'}
                    </Td>
                    <Td dataLabel="Virtual size" modifier="nowrap" data-testid={`volume-size-${v.name}`}>
                      {formatBytes(v.capacityBytes)}
                    </Td>
                    <Td dataLabel="Allocated" modifier="nowrap">
                      {formatBytes(v.allocationBytes)}
                    </Td>
                    <Td dataLabel="Backing file" data-testid={`volume-backing-${v.name}`}>
                      {v.backingPath === null ? '—' : <code className="qhci-break">{v.backingPath}</code>}
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </Card>
      </GridItem>
    </>
  );
}
