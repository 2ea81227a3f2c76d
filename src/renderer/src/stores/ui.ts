/** UI state only (which page, what is selected). Inventory data lives in React Query, never here. */
import { create } from 'zustand';
import type { ConsoleKind } from '../../../shared/domain/console';
import type { VmState } from '../../../shared/domain/vm';

export const PAGES = ['hosts', 'vms', 'folders', 'specs', 'images', 'tasks', 'create-vm'] as const;
export type PageId = (typeof PAGES)[number];

/** What the inventory tree on the Virtual Machines page groups VMs by. */
export type VmTreeMode = 'hosts' | 'folders';

/** cpu and memUsed sort by live usage (the last sample), as it is when the list is sorted. */
export type VmSortKey =
  'name' | 'state' | 'host' | 'folder' | 'labels' | 'vcpus' | 'memory' | 'cpu' | 'memUsed';

/** The VM list's filters; empty strings and null mean "any". */
export interface VmFilters {
  /** Matched against the name (case-insensitive substring). */
  readonly text: string;
  readonly state: VmState | null;
  readonly hostId: string | null;
  /** A folder id, or "none" for VMs in no folder. */
  readonly folderId: string | null;
  /** "key" or "key=value"; matched against the VM's labels. */
  readonly label: string;
  /** Plain VMs (linked clones included), templates, or linked clones only. */
  readonly kind: VmKindFilter | null;
}

/** The list's kind filter: templates apart from the VMs that run. */
export type VmKindFilter = 'vm' | 'template' | 'linked';

/** The tabs of a VM's page. */
export type VmTab = 'overview' | 'console' | 'serial' | 'snapshots' | 'settings';

/** A console shown alone in the window (the VM page's "Detach"), in place of the whole shell. */
export interface DetachedConsole {
  readonly vmId: string;
  readonly kind: ConsoleKind;
}

export const NO_VM_FILTERS: VmFilters = {
  text: '',
  state: null,
  hostId: null,
  folderId: null,
  label: '',
  kind: null,
};

interface UiState {
  readonly page: PageId;
  /** The folder selected in the Folders page tree. */
  readonly selectedFolderId: string | null;
  /** The host whose detail the Hosts page shows; null shows the list. */
  readonly selectedHostId: string | null;
  /** The project every page shows; undefined means the default project. */
  readonly projectId: string | undefined;
  /** The VM whose detail the Virtual Machines page shows; null shows the list. */
  readonly selectedVmId: string | null;
  /** The tab the VM page shows. */
  readonly vmTab: VmTab;
  /** When set, the window shows only this console; "Back" returns to its VM page. */
  readonly detachedConsole: DetachedConsole | null;
  /** The Virtual Machines page: how its tree groups VMs. */
  readonly vmTreeMode: VmTreeMode;
  readonly vmFilters: VmFilters;
  readonly vmSort: { readonly key: VmSortKey; readonly direction: 'asc' | 'desc' };
  /** VMs checked in the list, for bulk power actions and moves. */
  readonly vmSelection: ReadonlySet<string>;
  goTo(page: PageId): void;
  selectFolder(id: string | null): void;
  openHost(id: string | null): void;
  openVm(id: string | null): void;
  setVmTab(tab: VmTab): void;
  detachConsole(vmId: string, kind: ConsoleKind): void;
  /** Leaves the detached console for its VM page, on the tab it came from. */
  reattachConsole(): void;
  setVmTreeMode(mode: VmTreeMode): void;
  setVmFilters(patch: Partial<VmFilters>): void;
  setVmSort(key: VmSortKey, direction: 'asc' | 'desc'): void;
  setVmSelection(ids: ReadonlySet<string>): void;
}

export const useUi = create<UiState>()((set) => ({
  page: 'hosts',
  selectedFolderId: null,
  selectedHostId: null,
  projectId: undefined,
  selectedVmId: null,
  vmTab: 'overview',
  detachedConsole: null,
  vmTreeMode: 'hosts',
  vmFilters: NO_VM_FILTERS,
  vmSort: { key: 'name', direction: 'asc' },
  vmSelection: new Set(),
  // Choosing a page in the navigation shows its top level (the Hosts list, not a host's detail).
  goTo: (page) => set({ page, selectedHostId: null, selectedVmId: null, detachedConsole: null }),
  selectFolder: (id) => set({ selectedFolderId: id }),
  openHost: (id) => set({ page: 'hosts', selectedHostId: id }),
  openVm: (id) => set({ page: 'vms', selectedVmId: id, vmTab: 'overview', detachedConsole: null }),
  setVmTab: (tab) => set({ vmTab: tab }),
  detachConsole: (vmId, kind) => set({ detachedConsole: { vmId, kind } }),
  reattachConsole: () =>
    set((s) =>
      s.detachedConsole === null
        ? {}
        : {
            page: 'vms',
            selectedVmId: s.detachedConsole.vmId,
            vmTab: s.detachedConsole.kind === 'vnc' ? 'console' : 'serial',
            detachedConsole: null,
          },
    ),
  setVmTreeMode: (mode) => set({ vmTreeMode: mode }),
  setVmFilters: (patch) => set((s) => ({ vmFilters: { ...s.vmFilters, ...patch } })),
  setVmSort: (key, direction) => set({ vmSort: { key, direction } }),
  setVmSelection: (ids) => set({ vmSelection: ids }),
}));
