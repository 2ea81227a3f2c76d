/** UI state only (which page, what is selected). Inventory data lives in React Query, never here. */
import { create } from 'zustand';

export const PAGES = ['hosts', 'vms', 'folders', 'specs', 'images', 'tasks', 'create-vm'] as const;
export type PageId = (typeof PAGES)[number];

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
  goTo(page: PageId): void;
  selectFolder(id: string | null): void;
  openHost(id: string | null): void;
  openVm(id: string | null): void;
}

export const useUi = create<UiState>()((set) => ({
  page: 'hosts',
  selectedFolderId: null,
  selectedHostId: null,
  projectId: undefined,
  selectedVmId: null,
  // Choosing a page in the navigation shows its top level (the Hosts list, not a host's detail).
  goTo: (page) => set({ page, selectedHostId: null, selectedVmId: null }),
  selectFolder: (id) => set({ selectedFolderId: id }),
  openHost: (id) => set({ page: 'hosts', selectedHostId: id }),
  openVm: (id) => set({ page: 'vms', selectedVmId: id }),
}));
