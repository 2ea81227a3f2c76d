import {
  Alert,
  Button,
  Card,
  EmptyState,
  EmptyStateBody,
  PageSection,
  Spinner,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import PlusIcon from '@patternfly/react-icons/dist/esm/icons/plus-icon';
import { useState } from 'react';
import type { CustomizationSpec } from '../../../../shared/domain/spec';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import type { FormMode } from './draft';
import { SpecDeleteModal } from './SpecDeleteModal';
import { SpecDuplicateModal } from './SpecDuplicateModal';
import { SpecFormModal } from './SpecFormModal';
import { SpecsTable, type SpecAction } from './SpecsTable';

type Dialog =
  | { kind: 'form'; mode: FormMode }
  | { kind: 'duplicate'; spec: CustomizationSpec }
  | { kind: 'delete'; spec: CustomizationSpec }
  | null;

export function SpecsPage() {
  const project = useProjectInput();
  const specs = useQhciQuery('specs.list', project);
  const [dialog, setDialog] = useState<Dialog>(null);
  const close = () => setDialog(null);

  const onAction = (action: SpecAction, spec: CustomizationSpec) => {
    if (action === 'edit') setDialog({ kind: 'form', mode: { kind: 'edit', spec } });
    else setDialog({ kind: action, spec });
  };

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Customization Specs</Title>
      </PageSection>
      <PageSection isFilled>
        <Card>
          <Toolbar aria-label="Customization spec actions">
            <ToolbarContent>
              <ToolbarItem>
                <Button
                  variant="primary"
                  icon={<PlusIcon />}
                  onClick={() => setDialog({ kind: 'form', mode: { kind: 'create' } })}
                  data-testid="spec-create"
                >
                  Create spec
                </Button>
              </ToolbarItem>
            </ToolbarContent>
          </Toolbar>
          {specs.isPending && <Spinner aria-label="Loading customization specs" />}
          {specs.isError && (
            <Alert variant="danger" isInline title={specs.error.message} data-testid="spec-load-error" />
          )}
          {specs.data?.length === 0 && (
            <EmptyState titleText="No customization specs" headingLevel="h2" data-testid="spec-empty">
              <EmptyStateBody>
                A customization spec holds the guest settings (time zone, hostname, SSH keys, password,
                cloud-init) applied to new virtual machines.
              </EmptyStateBody>
            </EmptyState>
          )}
          {specs.data !== undefined && specs.data.length > 0 && (
            <SpecsTable specs={specs.data} onAction={onAction} />
          )}
        </Card>
      </PageSection>

      {dialog?.kind === 'form' && <SpecFormModal mode={dialog.mode} onClose={close} />}
      {dialog?.kind === 'duplicate' && <SpecDuplicateModal spec={dialog.spec} onClose={close} />}
      {dialog?.kind === 'delete' && <SpecDeleteModal spec={dialog.spec} onClose={close} />}
    </>
  );
}
