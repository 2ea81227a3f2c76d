import { Label, LabelGroup } from '@patternfly/react-core';
import type { PlacementOutcome } from '../../../../shared/domain/placement';
import { formatFree } from './format';

/** The free vCPUs and memory of the host(s) the dry run chose (or the picked host). */
export function HostFree(props: { outcome: PlacementOutcome | undefined; manualHostId: string | null }) {
  const { outcome, manualHostId } = props;
  if (outcome === undefined) return null;
  const table = outcome.ok ? outcome.result.table : outcome.failure.table;
  const ids = outcome.ok ? [...new Set(outcome.result.chosen)] : manualHostId ? [manualHostId] : [];
  const rows = table.filter((r) => ids.includes(r.hostId));
  if (rows.length === 0) return null;
  return (
    <LabelGroup categoryName="Free on the chosen host" numLabels={6} data-testid="wizard-host-free">
      {rows.map((r) => (
        <Label key={r.hostId} color="blue" data-testid={`wizard-host-free-${r.hostName}`}>
          {r.hostName}: {r.free.vcpus === null ? '?' : formatFree(r.free.vcpus, 'count')} vCPUs,{' '}
          {r.free.memoryBytes === null ? '?' : formatFree(r.free.memoryBytes, 'bytes')} memory free
        </Label>
      ))}
    </LabelGroup>
  );
}
