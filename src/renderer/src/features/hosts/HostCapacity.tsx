import {
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Grid,
  GridItem,
  Progress,
  ProgressMeasureLocation,
  ProgressVariant,
  Title,
} from '@patternfly/react-core';
import type { HostSummary, StoredPool } from '../../../../shared/domain/host';
import { ACCEL_LABEL, formatBytes, formatTopology } from './format';

/** Used share of a pool in percent (0 when its capacity is unknown). */
export function poolUsage(p: StoredPool): number {
  return p.capacityBytes > 0 ? Math.min(100, (p.allocationBytes / p.capacityBytes) * 100) : 0;
}

function PoolBar(props: { pool: StoredPool }) {
  const { pool } = props;
  const used = poolUsage(pool);
  const variant = used >= 90 ? ProgressVariant.danger : used >= 75 ? ProgressVariant.warning : undefined;
  const free = `${(pool.availableBytes / 1024 ** 3).toFixed(1)} GiB free`;
  const text = `${formatBytes(pool.allocationBytes)} used of ${formatBytes(pool.capacityBytes)}`;
  return (
    <div data-testid={`pool-bar-${pool.name}`}>
      <Progress
        value={used}
        title={
          <>
            {pool.name}
            {pool.state !== 'running' && <span className="qhci-subtle"> ({pool.state})</span>}
          </>
        }
        valueText={`${text}, ${free}`}
        measureLocation={ProgressMeasureLocation.top}
        size="sm"
        aria-label={`Storage pool ${pool.name}: ${text}, ${free}`}
        helperText={
          <span data-testid={`pool-free-${pool.name}`}>
            <strong>{free}</strong> · {text}
          </span>
        }
        {...(variant ? { variant } : {})}
      />
    </div>
  );
}

/** CPU, memory and hypervisor facts, and one usage bar per storage pool. */
export function HostCapacity(props: { host: HostSummary; pools: readonly StoredPool[] }) {
  const { host, pools } = props;
  const f = host.facts;
  const facts: [string, string, string][] =
    f === null
      ? []
      : [
          ['CPU', f.cpuModel, 'host-detail-cpu-model'],
          ['Topology', `${formatTopology(f)} at ${f.mhz} MHz`, 'host-detail-cpu'],
          ['Memory', formatBytes(f.memoryBytes), 'host-detail-memory'],
          ['Virtualization', ACCEL_LABEL[f.domainType], 'host-detail-accel'],
          [
            'Firmware',
            `UEFI ${f.uefiAvailable ? 'available' : 'not available'}, TPM ${f.tpmAvailable ? 'available' : 'not available'}`,
            'host-detail-firmware',
          ],
          ['libvirt', `${f.libvirtVersion} on ${f.hostname}`, 'host-detail-libvirt'],
        ];
  return (
    <Card data-testid="host-capacity">
      <CardTitle component="h2">Capacity</CardTitle>
      <CardBody>
        <Grid hasGutter>
          <GridItem md={6}>
            {f === null ? (
              <span className="qhci-subtle" data-testid="host-detail-no-facts">
                Not synced yet: CPU and memory appear after the first successful sync.
              </span>
            ) : (
              <DescriptionList isHorizontal isCompact>
                {facts.map(([term, value, testId]) => (
                  <DescriptionListGroup key={term}>
                    <DescriptionListTerm>{term}</DescriptionListTerm>
                    <DescriptionListDescription data-testid={testId}>{value}</DescriptionListDescription>
                  </DescriptionListGroup>
                ))}
              </DescriptionList>
            )}
          </GridItem>
          <GridItem md={6}>
            <Title headingLevel="h3" size="md" className="qhci-capacity-title">
              Storage
            </Title>
            {pools.length === 0 ? (
              <span className="qhci-subtle" data-testid="host-detail-no-pools">
                No storage pools.
              </span>
            ) : (
              <div className="qhci-pool-bars">
                {pools.map((p) => (
                  <PoolBar key={p.id} pool={p} />
                ))}
              </div>
            )}
          </GridItem>
        </Grid>
      </CardBody>
    </Card>
  );
}
