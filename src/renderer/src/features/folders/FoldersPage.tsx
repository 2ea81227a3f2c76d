import { Alert, Card, CardBody, Grid, GridItem, PageSection, Spinner, Title } from '@patternfly/react-core';
import { useState } from 'react';
import { useQhciMutation, useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { useUi } from '../../stores/ui';
import { FolderDeleteModal } from './FolderDeleteModal';
import { FolderDetails } from './FolderDetails';
import { FolderMoveModal } from './FolderMoveModal';
import { FolderNameModal } from './FolderNameModal';
import { FolderToolbar, type FolderAction } from './FolderToolbar';
import { FolderTree } from './FolderTree';
import { findFolder } from './tree';

export function FoldersPage() {
  const project = useProjectInput();
  const tree = useQhciQuery('folders.tree', project);
  const selectedId = useUi((s) => s.selectedFolderId);
  const selectFolder = useUi((s) => s.selectFolder);
  const [action, setAction] = useState<FolderAction | null>(null);

  const create = useQhciMutation('folders.create');
  const rename = useQhciMutation('folders.rename');
  const move = useQhciMutation('folders.move');
  const remove = useQhciMutation('folders.delete');

  const root = tree.data;
  const selected = root ? findFolder(root, selectedId) : undefined;
  const close = () => setAction(null);

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Folders</Title>
      </PageSection>
      <PageSection isFilled>
        {tree.isPending && <Spinner aria-label="Loading folders" />}
        {tree.isError && (
          <Alert variant="danger" isInline title={tree.error.message} data-testid="folder-load-error" />
        )}
        {root && (
          <Grid hasGutter>
            <GridItem md={7}>
              <Card isFullHeight>
                <FolderToolbar selected={selected} onAction={setAction} />
                <CardBody>
                  <FolderTree
                    root={root}
                    selectedId={selected?.id ?? null}
                    onSelect={(f) => selectFolder(f.id)}
                  />
                </CardBody>
              </Card>
            </GridItem>
            <GridItem md={5}>
              <FolderDetails folder={selected} />
            </GridItem>
          </Grid>
        )}
      </PageSection>

      {action === 'create' && (
        <FolderNameModal
          title="New folder"
          description={`The folder is created in ${selected?.path ?? '/'}.`}
          initialName=""
          submitLabel="Create"
          onSubmit={async (name) => {
            const folder = await create.mutateAsync({
              ...project,
              ...(selected ? { parentId: selected.id } : {}),
              name,
            });
            close();
            selectFolder(folder.id);
          }}
          onClose={close}
        />
      )}
      {action === 'rename' && selected && (
        <FolderNameModal
          title={`Rename ${selected.path}`}
          description="Every folder below it keeps its place under the new name."
          initialName={selected.name}
          submitLabel="Rename"
          onSubmit={(name) => rename.mutateAsync({ id: selected.id, name })}
          onClose={close}
        />
      )}
      {action === 'move' && selected && root && (
        <FolderMoveModal
          root={root}
          folder={selected}
          onSubmit={(parentId) => move.mutateAsync({ id: selected.id, parentId })}
          onClose={close}
        />
      )}
      {action === 'delete' && selected && (
        <FolderDeleteModal
          folder={selected}
          onConfirm={async () => {
            await remove.mutateAsync({ id: selected.id });
            close();
            selectFolder(selected.parentId);
          }}
          onClose={close}
        />
      )}
    </>
  );
}
