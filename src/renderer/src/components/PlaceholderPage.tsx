import { EmptyState, EmptyStateBody, PageSection, Title } from '@patternfly/react-core';
import type { ComponentType } from 'react';

/** A page whose feature is not built yet: its title and one line saying what will appear there. */
export function PlaceholderPage(props: { id: string; title: string; icon: ComponentType; body: string }) {
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">{props.title}</Title>
      </PageSection>
      <PageSection isFilled>
        <EmptyState titleText={`No ${props.title.toLowerCase()} yet`} headingLevel="h2" icon={props.icon}>
          <EmptyStateBody data-testid={`${props.id}-empty`}>{props.body}</EmptyStateBody>
        </EmptyState>
      </PageSection>
    </>
  );
}
