import { PageSection, Title } from '@patternfly/react-core';

/** The create-VM wizard (being built). */
export function CreateVmWizard() {
  return (
    <PageSection>
      <Title headingLevel="h1">Create virtual machine</Title>
    </PageSection>
  );
}
