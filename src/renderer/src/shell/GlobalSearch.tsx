import { Menu, MenuContent, MenuGroup, MenuItem, MenuList, SearchInput } from '@patternfly/react-core';
import DesktopIcon from '@patternfly/react-icons/dist/esm/icons/desktop-icon';
import FolderIcon from '@patternfly/react-icons/dist/esm/icons/folder-icon';
import ServerIcon from '@patternfly/react-icons/dist/esm/icons/server-icon';
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useQhciQuery } from '../api/hooks';
import { useProjectInput } from '../stores/project';
import { flattenTree } from '../features/folders/tree';
import { useUi } from '../stores/ui';
import { search, type SearchHit } from './search';

const GROUPS: readonly { kind: SearchHit['kind']; title: string; icon: React.ReactNode }[] = [
  { kind: 'vm', title: 'Virtual machines', icon: <DesktopIcon /> },
  { kind: 'host', title: 'Hosts', icon: <ServerIcon /> },
  { kind: 'folder', title: 'Folders', icon: <FolderIcon /> },
];

const testIdOf = (hit: SearchHit) =>
  `search-result-${hit.kind}-${hit.kind === 'folder' ? hit.detail : hit.name}`;

/**
 * Finds VMs, hosts and folders by name across every host. Down arrow moves into the results, Enter opens
 * the first (or the focused) one, Escape closes them.
 */
export function GlobalSearch() {
  const project = useProjectInput();
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const wrapper = useRef<HTMLDivElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const active = open && text.trim() !== '';
  // Read only while searching; the VM list is usually in the cache already.
  const vms = useQhciQuery('vms.list', project, { enabled: active });
  const hosts = useQhciQuery('hosts.list', project, { enabled: active });
  const tree = useQhciQuery('folders.tree', project, { enabled: active });
  const { openVm, openHost, selectFolder, goTo } = useUi.getState();

  const result = useMemo(
    () =>
      search(text, {
        vms: vms.data ?? [],
        hosts: hosts.data ?? [],
        folders: tree.data ? flattenTree(tree.data) : [],
      }),
    [text, vms.data, hosts.data, tree.data],
  );
  const loading = active && (vms.isPending || hosts.isPending || tree.isPending);

  const choose = (hit: SearchHit) => {
    setOpen(false);
    setText('');
    if (hit.kind === 'vm') openVm(hit.id);
    else if (hit.kind === 'host') openHost(hit.id);
    else {
      selectFolder(hit.id);
      goTo('folders');
    }
  };

  const focusInput = () => wrapper.current?.querySelector('input')?.focus();
  const onInputKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' && active) {
      e.preventDefault();
      menu.current?.querySelector<HTMLElement>('button.pf-v6-c-menu__item')?.focus();
    } else if (e.key === 'Enter' && result.hits[0]) {
      e.preventDefault();
      choose(result.hits[0]);
    } else if (e.key === 'Escape') {
      setOpen(false);
    }
  };

  return (
    <div
      ref={wrapper}
      className="qhci-global-search"
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <SearchInput
        placeholder="Search VMs, hosts and folders"
        aria-label="Search virtual machines, hosts and folders by name"
        value={text}
        onChange={(_e, v) => {
          setText(v);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onClear={() => {
          setText('');
          focusInput();
        }}
        onKeyDown={onInputKey}
        data-testid="global-search"
      />
      {active && (
        <Menu
          ref={menu}
          className="qhci-global-search-menu"
          onSelect={(_e, id) => {
            const hit = result.hits.find((h) => `${h.kind}:${h.id}` === id);
            if (hit) choose(hit);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
              focusInput();
            }
          }}
          data-testid="global-search-results"
          aria-label="Search results"
        >
          <MenuContent maxMenuHeight="70vh">
            {loading && (
              <MenuList aria-label="Searching">
                <MenuItem isDisabled>Searching…</MenuItem>
              </MenuList>
            )}
            {!loading && result.hits.length === 0 && (
              <MenuList aria-label="No results">
                <MenuItem isDisabled data-testid="global-search-none">
                  Nothing is named like “{text.trim()}”
                </MenuItem>
              </MenuList>
            )}
            {!loading &&
              GROUPS.filter((g) => result.counts[g.kind] > 0).map((g) => (
                <MenuGroup key={g.kind} label={g.title} labelHeadingLevel="h3">
                  <MenuList aria-label={g.title}>
                    {result.hits
                      .filter((h) => h.kind === g.kind)
                      .map((h) => (
                        <MenuItem
                          key={h.id}
                          itemId={`${h.kind}:${h.id}`}
                          icon={g.icon}
                          description={h.detail}
                          data-testid={testIdOf(h)}
                        >
                          {h.name}
                        </MenuItem>
                      ))}
                  </MenuList>
                </MenuGroup>
              ))}
          </MenuContent>
        </Menu>
      )}
    </div>
  );
}
