/** CPU and memory: the count now and the maximum it may grow to without a restart. */
import { Card, CardBody, CardTitle, Form, Grid, GridItem } from '@patternfly/react-core';
import type { SectionProps } from './section';
import { TextField } from './fields';

export function ComputeSection(props: SectionProps) {
  const { draft, errors, onChange, vm } = props;
  const running = vm.state === 'running';
  return (
    <Card data-testid="settings-compute">
      <CardTitle component="h2">CPU and memory</CardTitle>
      <CardBody>
        <Form onSubmit={(e) => e.preventDefault()}>
          <Grid hasGutter>
            <GridItem md={6}>
              <TextField
                id="vcpus"
                label="vCPUs"
                value={draft.vcpus}
                errors={errors}
                onChange={(vcpus) => onChange({ vcpus })}
              />
            </GridItem>
            <GridItem md={6}>
              <TextField
                id="vcpu-max"
                errorKey="vcpuMax"
                label="Maximum vCPUs"
                value={draft.vcpuMax}
                errors={errors}
                placeholder="unchanged"
                helper="Empty keeps it (or raises it to the vCPUs above it). Up to it, vCPUs are added live."
                onChange={(vcpuMax) => onChange({ vcpuMax })}
              />
            </GridItem>
            <GridItem md={6}>
              <TextField
                id="memory"
                label="Memory"
                unit="MiB"
                value={draft.memoryMiB}
                errors={errors}
                onChange={(memoryMiB) => onChange({ memoryMiB })}
              />
            </GridItem>
            <GridItem md={6}>
              <TextField
                id="memory-max"
                errorKey="memoryMax"
                label="Maximum memory"
                unit="MiB"
                value={draft.memoryMaxMiB}
                errors={errors}
                placeholder="unchanged"
                helper="Empty keeps it (or raises it to the memory above it). Up to it, memory is given live."
                onChange={(memoryMaxMiB) => onChange({ memoryMaxMiB })}
              />
            </GridItem>
          </Grid>
        </Form>
        <p className="qhci-subtle qhci-settings-helper" data-testid="settings-compute-note">
          {running
            ? 'The VM runs: what libvirt can change live is changed now and kept; the review says which waits for its next boot.'
            : 'The VM is shut off: changes are made to its definition and take effect when it starts.'}
        </p>
      </CardBody>
    </Card>
  );
}
