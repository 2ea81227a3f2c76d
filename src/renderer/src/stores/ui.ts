/** UI state only (which page, what is selected). Inventory data lives in React Query, never here. */
import { create } from 'zustand';

export const PAGES = ['hosts', 'vms', 'folders', 'specs', 'images', 'tasks'] as const;
export type PageId = (typeof PAGES)[number];

interface UiState {
  readonly page: PageId;
  /** The folder selected in the Folders page tree. */
  readonly selectedFolderId: string | null;
  /** The project every page shows; undefined means the default project. */
  readonly projectId: string | undefined;
  goTo(page: PageId): void;
  selectFolder(id: string | null): void;
}

export const useUi = create<UiState>()((set) => ({
  page: 'hosts',
  selectedFolderId: null,
  projectId: undefined,
  goTo: (page) => set({ page }),
  selectFolder: (id) => set({ selectedFolderId: id }),
}));
