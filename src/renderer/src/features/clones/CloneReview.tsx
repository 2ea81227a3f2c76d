import {
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  List,
  ListItem,
  Title,
} from '@patternfly/react-core';
import type { VmDetail } from '../../../../shared/domain/vm';
import { copySummary, type CloneDraft } from './draft';

/** The confirmation: what will be made, where, and what is copied of the source. */
export function CloneReview(props: {
  source: VmDetail;
  draft: CloneDraft;
  names: readonly string[];
  /** Where the clones go, in words. */
  where: string;
  /** Some clone goes to a host other than the source's. */
  elsewhere: boolean;
}) {
  const { source, draft, names } = props;
  const facts: [string, React.ReactNode, string][] = [
    ['From', `${source.name}${source.template ? ' (template)' : ''}`, 'clone-review-source'],
    ['Kind', draft.mode === 'linked' ? 'Linked clone' : 'Full clone', 'clone-review-mode'],
    [
      names.length === 1 ? 'Name' : `${names.length} names`,
      names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')}, … ${names.at(-1)}`,
      'clone-review-names',
    ],
    ['Where', props.where, 'clone-review-where'],
  ];
  if (draft.description.trim() !== '') {
    facts.push(['Description', draft.description.trim(), 'clone-review-description']);
  }
  return (
    <div data-testid="clone-review">
      <DescriptionList isHorizontal isCompact>
        {facts.map(([term, value, testId]) => (
          <DescriptionListGroup key={term}>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription data-testid={testId}>{value}</DescriptionListDescription>
          </DescriptionListGroup>
        ))}
      </DescriptionList>
      <Title headingLevel="h3" size="md" className="qhci-clone-review-title">
        What is copied
      </Title>
      <List data-testid="clone-review-copied">
        {copySummary(source, draft.mode, names.length, props.elsewhere).map((line) => (
          <ListItem key={line}>{line}</ListItem>
        ))}
      </List>
      <p className="qhci-subtle qhci-clone-review-note">
        {source.name} stays shut off and unchanged; no other operation can run on it until the clone
        {names.length === 1 ? ' is' : 's are'} made. A failure removes what was made.
      </p>
    </div>
  );
}
