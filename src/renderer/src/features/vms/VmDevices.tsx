/** A VM page's devices: its disks (with their backing chains) and its network interfaces. */
import { Card, CardBody, CardTitle } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import type { VmDetail as VmDetailData } from '../../../../shared/domain/vm';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';

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

export function Disks(props: { vm: VmDetailData }) {
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

export function Nics(props: { vm: VmDetailData }) {
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
