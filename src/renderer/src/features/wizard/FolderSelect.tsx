import {
  Button,
  Flex,
  FlexItem,
  MenuToggle,
  Select,
  SelectList,
  SelectOption,
  TextInput,
  type MenuToggleElement,
} from '@patternfly/react-core';
import FolderIcon from '@patternfly/react-icons/dist/esm/icons/folder-icon';
import PlusIcon from '@patternfly/react-icons/dist/esm/icons/plus-icon';
import { useMemo, useState } from 'react';
import type { FolderNode } from '../../../../shared/domain/folder';
import { useQhciMutation, useQhciQuery } from '../../api/hooks';
import { fieldMessage, toAppError } from '../../components/errors';
import { FieldError } from '../../components/FieldError';
import { displayName, findFolder } from '../folders/tree';

interface Row {
  readonly node: FolderNode;
  readonly depth: number;
}

function rows(root: FolderNode): Row[] {
  const out: Row[] = [];
  const walk = (node: FolderNode, depth: number) => {
    out.push({ node, depth });
    node.children.forEach((c) => walk(c, depth + 1));
  };
  walk(root, 0);
  return out;
}

/**
 * The folder the VM goes into, as a tree (each folder indented below its parent), and a new folder created
 * inline under the one chosen.
 */
export function FolderSelect(props: {
  project: { projectId?: string };
  value: string | null;
  onChange: (folderId: string | null) => void;
  error: string | undefined;
}) {
  const { project, value, onChange } = props;
  const tree = useQhciQuery('folders.tree', project);
  const create = useQhciMutation('folders.create');
  const [isOpen, setIsOpen] = useState(false);
  const [newName, setNewName] = useState<string | null>(null);
  const [createError, setCreateError] = useState<string | undefined>();
  const list = useMemo(() => (tree.data ? rows(tree.data) : []), [tree.data]);
  const selected = tree.data && value !== null ? findFolder(tree.data, value) : tree.data;

  const submit = async () => {
    if (newName === null) return;
    setCreateError(undefined);
    try {
      const parentId = value ?? undefined;
      const folder = await create.mutateAsync({
        ...project,
        name: newName,
        ...(parentId !== undefined && parentId !== tree.data?.id ? { parentId } : {}),
      });
      await tree.refetch();
      onChange(folder.id);
      setNewName(null);
    } catch (err) {
      setCreateError(fieldMessage(toAppError(err)));
    }
  };

  return (
    <>
      <Flex spaceItems={{ default: 'spaceItemsSm' }} flexWrap={{ default: 'nowrap' }}>
        <FlexItem grow={{ default: 'grow' }}>
          <Select
            isOpen={isOpen}
            selected={selected?.id}
            onSelect={(_e, id) => {
              if (typeof id === 'string') onChange(id === tree.data?.id ? null : id);
              setIsOpen(false);
            }}
            onOpenChange={setIsOpen}
            toggle={(ref: React.Ref<MenuToggleElement>) => (
              <MenuToggle
                ref={ref}
                id="wizard-folder"
                data-testid="wizard-folder"
                onClick={() => setIsOpen(!isOpen)}
                isExpanded={isOpen}
                isFullWidth
                icon={<FolderIcon />}
                status={props.error ? 'danger' : undefined}
                aria-label={`Folder: ${selected?.path ?? '/'}`}
              >
                {selected?.path ?? '/'}
              </MenuToggle>
            )}
            shouldFocusToggleOnSelect
            isScrollable
          >
            <SelectList aria-label="Folders">
              {list.map(({ node, depth }) => (
                <SelectOption
                  key={node.id}
                  value={node.id}
                  data-testid={`wizard-folder-option-${node.path}`}
                  description={depth > 0 ? node.path : undefined}
                >
                  <span style={{ paddingInlineStart: `${depth * 1.25}rem` }}>
                    <FolderIcon /> {displayName(node)}
                  </span>
                </SelectOption>
              ))}
            </SelectList>
          </Select>
        </FlexItem>
        <FlexItem>
          <Button
            variant="secondary"
            icon={<PlusIcon />}
            onClick={() => setNewName(newName === null ? '' : null)}
            data-testid="wizard-folder-new"
            aria-expanded={newName !== null}
          >
            New folder
          </Button>
        </FlexItem>
      </Flex>
      {newName !== null && (
        <Flex spaceItems={{ default: 'spaceItemsSm' }} className="qhci-wizard-inline">
          <FlexItem grow={{ default: 'grow' }}>
            <TextInput
              id="wizard-folder-new-name"
              data-testid="wizard-folder-new-name"
              aria-label={`New folder under ${selected?.path ?? '/'}`}
              placeholder={`Name of the new folder under ${selected?.path ?? '/'}`}
              value={newName}
              autoFocus
              onChange={(_e, v) => setNewName(v)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') {
                  e.preventDefault();
                  void submit();
                } else if (e.key === 'Escape') setNewName(null);
              }}
              validated={createError ? 'error' : 'default'}
            />
            <FieldError message={createError} testId="wizard-folder-new-error" />
          </FlexItem>
          <FlexItem>
            <Button
              variant="primary"
              onClick={() => void submit()}
              isLoading={create.isPending}
              isDisabled={create.isPending || newName.trim() === ''}
              data-testid="wizard-folder-create"
            >
              Create folder
            </Button>
          </FlexItem>
        </Flex>
      )}
    </>
  );
}
