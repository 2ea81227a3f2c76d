import {
  Alert,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
} from '@patternfly/react-core';
import type { HostTestResult as Result } from '../../../../shared/domain/host';
import { ACCEL_LABEL, formatBytes, formatTopology } from './format';

/** What a test connection found on the host. */
export function HostTestResult(props: { result: Result }) {
  const { facts, domains, pools, networks } = props.result;
  const rows: [string, string, string][] = [
    ['CPU', `${facts.cpuModel}, ${formatTopology(facts)}`, 'host-test-cpu'],
    ['Memory', formatBytes(facts.memoryBytes), 'host-test-memory'],
    ['Virtualization', ACCEL_LABEL[facts.domainType], 'host-test-accel'],
    ['libvirt', facts.libvirtVersion, 'host-test-libvirt'],
    [
      'Found',
      `${domains} VM${domains === 1 ? '' : 's'}, ${pools} storage pool${pools === 1 ? '' : 's'}, ${networks} network${networks === 1 ? '' : 's'}`,
      'host-test-counts',
    ],
  ];
  return (
    <Alert
      variant="success"
      isInline
      isLiveRegion
      title={`Connected to ${facts.hostname}`}
      data-testid="host-test-result"
    >
      <DescriptionList isHorizontal isCompact className="qhci-test-facts">
        {rows.map(([term, value, testId]) => (
          <DescriptionListGroup key={term}>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription data-testid={testId}>{value}</DescriptionListDescription>
          </DescriptionListGroup>
        ))}
      </DescriptionList>
    </Alert>
  );
}
