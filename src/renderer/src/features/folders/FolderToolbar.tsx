import { Button, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import ArrowsAltIcon from '@patternfly/react-icons/dist/esm/icons/arrows-alt-icon';
import FolderPlusIcon from '@patternfly/react-icons/dist/esm/icons/folder-plus-icon';
import PencilAltIcon from '@patternfly/react-icons/dist/esm/icons/pencil-alt-icon';
import TrashIcon from '@patternfly/react-icons/dist/esm/icons/trash-icon';
import type { FolderNode } from '../../../../shared/domain/folder';

export type FolderAction = 'create' | 'rename' | 'move' | 'delete';

/** Actions on the selected folder. New folder goes under the selection, or under "/" when none. */
export function FolderToolbar(props: {
  selected: FolderNode | undefined;
  onAction: (action: FolderAction) => void;
}) {
  const { selected, onAction } = props;
  // The root folder "/" cannot be renamed, moved or deleted.
  const canChange = selected !== undefined && selected.parentId !== null;
  const under = selected?.path ?? '/';
  return (
    <Toolbar aria-label="Folder actions">
      <ToolbarContent>
        <ToolbarItem>
          <Button
            variant="primary"
            icon={<FolderPlusIcon />}
            onClick={() => onAction('create')}
            data-testid="folder-new"
            aria-label={`New folder in ${under}`}
          >
            New folder
          </Button>
        </ToolbarItem>
        <ToolbarItem>
          <Button
            variant="secondary"
            icon={<PencilAltIcon />}
            onClick={() => onAction('rename')}
            isDisabled={!canChange}
            data-testid="folder-rename"
          >
            Rename
          </Button>
        </ToolbarItem>
        <ToolbarItem>
          <Button
            variant="secondary"
            icon={<ArrowsAltIcon />}
            onClick={() => onAction('move')}
            isDisabled={!canChange}
            data-testid="folder-move"
          >
            Move
          </Button>
        </ToolbarItem>
        <ToolbarItem>
          <Button
            variant="danger"
            icon={<TrashIcon />}
            onClick={() => onAction('delete')}
            isDisabled={!canChange}
            data-testid="folder-delete"
          >
            Delete
          </Button>
        </ToolbarItem>
      </ToolbarContent>
    </Toolbar>
  );
}
