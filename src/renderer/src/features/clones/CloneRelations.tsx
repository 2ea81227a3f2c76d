import { Button, Card, CardBody, CardTitle, Content, Label, List, ListItem } from '@patternfly/react-core';
import type { VmSummary } from '../../../../shared/domain/vm';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { useUi } from '../../stores/ui';
import { VmStateBadge } from '../vms/VmStateBadge';
import { clonesOf } from './actions';

const NO_VMS: readonly VmSummary[] = [];

function useProjectVms(): readonly VmSummary[] {
  return useQhciQuery('vms.list', useProjectInput()).data ?? NO_VMS;
}

/** "Template" (a linked clone) or "Cloned from" (a full clone): the fact's term, or null for neither. */
export function parentTerm(vm: Pick<VmSummary, 'parentId' | 'linked'>): string | null {
  if (vm.parentId === null) return null;
  return vm.linked ? 'Template' : 'Cloned from';
}

/** A link to the VM this one was cloned from (its template, for a linked clone). */
export function ParentLink(props: { vm: Pick<VmSummary, 'parentId'> }) {
  const openVm = useUi((s) => s.openVm);
  const parent = useProjectVms().find((v) => v.id === props.vm.parentId);
  if (parent === undefined) return <span className="qhci-subtle">No longer in the inventory</span>;
  return (
    <Button variant="link" isInline onClick={() => openVm(parent.id)} data-testid="vm-detail-parent-link">
      {parent.name}
    </Button>
  );
}

/** "Template", in purple: beside a template's name on its page. */
export function TemplateLabel() {
  return (
    <Label color="purple" data-testid="vm-detail-template">
      Template
    </Label>
  );
}

function CloneList(props: { vms: readonly VmSummary[]; testId: string }) {
  const openVm = useUi((s) => s.openVm);
  return (
    <List isPlain data-testid={props.testId}>
      {props.vms.map((v) => (
        <ListItem key={v.id} data-testid={`template-clone-${v.name}`}>
          <Button
            variant="link"
            isInline
            onClick={() => openVm(v.id)}
            data-testid={`template-clone-open-${v.name}`}
          >
            {v.name}
          </Button>{' '}
          <VmStateBadge vm={v} />
        </ListItem>
      ))}
    </List>
  );
}

/**
 * A template's clones, in place of a VM's screen: its linked clones (which keep it from being deleted) with
 * links to their pages, then the full clones made from it.
 */
export function TemplateClonesCard(props: { template: Pick<VmSummary, 'id' | 'name'> }) {
  const { linked, full } = clonesOf(useProjectVms(), props.template.id);
  return (
    <Card isFullHeight data-testid="template-clones">
      <CardTitle component="h2">
        Linked clones{' '}
        <Label isCompact data-testid="template-clones-count">
          {linked.length}
        </Label>
      </CardTitle>
      <CardBody>
        {linked.length === 0 ? (
          <Content component="p" className="qhci-subtle" data-testid="template-clones-none">
            No linked clone yet. New linked clone… makes some, in seconds: their disks are overlays on{' '}
            {props.template.name}’s.
          </Content>
        ) : (
          <>
            <CloneList vms={linked} testId="template-clones-linked" />
            <Content component="p" className="qhci-subtle qhci-template-clones-note">
              {props.template.name} cannot be deleted while {linked.length === 1 ? 'it exists' : 'they exist'}
              : delete {linked.length === 1 ? 'it' : 'them'} or detach {linked.length === 1 ? 'it' : 'them'}{' '}
              first.
            </Content>
          </>
        )}
        {full.length > 0 && (
          <>
            <Content component="h3">Full clones</Content>
            <CloneList vms={full} testId="template-clones-full" />
          </>
        )}
      </CardBody>
    </Card>
  );
}

/**
 * In a template's delete confirmation: its linked clones by name, since main refuses to delete a template
 * while any exists (its refusal, which lists them too, shows above when Delete is pressed anyway).
 */
export function TemplateDeleteNote(props: { template: Pick<VmSummary, 'id' | 'name'> }) {
  const { linked } = clonesOf(useProjectVms(), props.template.id);
  if (linked.length === 0) return null;
  return (
    <Content component="p" data-testid="vm-delete-linked-clones">
      <strong>
        {props.template.name} has {linked.length === 1 ? 'a linked clone' : `${linked.length} linked clones`}:
      </strong>{' '}
      {linked.map((v) => v.name).join(', ')}. Their disks are overlays on its disks, so it cannot be deleted
      until they are deleted or detached.
    </Content>
  );
}
