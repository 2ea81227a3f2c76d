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
import type { VmSummary } from '../../../../shared/domain/vm';
import type { ReactNode } from 'react';
import { ACCEL_LABEL, formatBytes, formatTopology } from './format';
import { cpuModeText, HostAcceleratorPolicy } from './HostAccelerator';

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

/** What the VMs that hold CPU and memory (running or paused) take of the host. */
export function allocation(vms: readonly VmSummary[]): { vcpus: number; memoryBytes: number; vms: number } {
  let vcpus = 0;
  let memoryBytes = 0;
  let n = 0;
  for (const vm of vms) {
    if (vm.state !== 'running' && vm.state !== 'paused') continue;
    n++;
    vcpus += vm.vcpus ?? 0;
    memoryBytes += vm.memoryBytes ?? 0;
  }
  return { vcpus, memoryBytes, vms: n };
}

function UsageBar(props: { title: string; used: number; total: number; text: string; testId: string }) {
  const ratio = props.total > 0 ? (props.used / props.total) * 100 : 0;
  const variant = ratio > 100 ? ProgressVariant.danger : ratio >= 80 ? ProgressVariant.warning : undefined;
  return (
    <div data-testid={props.testId}>
      <Progress
        value={Math.min(100, ratio)}
        title={props.title}
        valueText={props.text}
        measureLocation={ProgressMeasureLocation.top}
        label={`${Math.round(ratio)}%`}
        size="sm"
        aria-label={`${props.title}: ${props.text}`}
        helperText={<span data-testid={`${props.testId}-text`}>{props.text}</span>}
        {...(variant ? { variant } : {})}
      />
    </div>
  );
}

/** CPU and memory taken by the host's running VMs, beside what the host has. */
function ComputeBars(props: { host: HostSummary; vms: readonly VmSummary[] }) {
  const f = props.host.facts;
  if (f === null) return null;
  const a = allocation(props.vms);
  const running = `${a.vms} running VM${a.vms === 1 ? '' : 's'}`;
  return (
    <div className="qhci-pool-bars qhci-compute-bars">
      <UsageBar
        title="CPU"
        used={a.vcpus}
        total={f.cpus}
        text={`${a.vcpus} vCPU${a.vcpus === 1 ? '' : 's'} of ${f.cpus} CPU${f.cpus === 1 ? '' : 's'} (${running})`}
        testId="host-cpu-bar"
      />
      <UsageBar
        title="Memory"
        used={a.memoryBytes}
        total={f.memoryBytes}
        text={`${formatBytes(a.memoryBytes)} of ${formatBytes(f.memoryBytes)} (${running})`}
        testId="host-memory-bar"
      />
    </div>
  );
}

/** CPU, memory and hypervisor facts, and one usage bar per storage pool. */
export function HostCapacity(props: {
  host: HostSummary;
  pools: readonly StoredPool[];
  /** The host's VMs: with them, CPU and memory bars show what the running ones take. */
  vms?: readonly VmSummary[];
}) {
  const { host, pools } = props;
  const f = host.facts;
  const facts: [string, ReactNode, string][] =
    f === null
      ? []
      : [
          ['CPU', f.cpuModel, 'host-detail-cpu-model'],
          ['Topology', `${formatTopology(f)} at ${f.mhz} MHz`, 'host-detail-cpu'],
          ['Memory', formatBytes(f.memoryBytes), 'host-detail-memory'],
          ['Virtualization', ACCEL_LABEL[f.domainType], 'host-detail-accel'],
          [
            'Accelerator policy',
            <HostAcceleratorPolicy key="accel" host={host} />,
            'host-detail-accel-policy',
          ],
          ...(f.domainType === 'kvm'
            ? [['Guest CPU mode', cpuModeText(host), 'host-detail-cpu-mode'] as [string, ReactNode, string]]
            : []),
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
            {props.vms !== undefined && f !== null && (
              <>
                <Title headingLevel="h3" size="md" className="qhci-capacity-title">
                  Compute
                </Title>
                <ComputeBars host={host} vms={props.vms} />
              </>
            )}
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
