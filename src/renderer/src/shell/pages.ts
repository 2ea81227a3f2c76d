import type { PageId } from '../stores/ui';

export interface PageInfo {
  readonly id: PageId;
  readonly title: string;
}

/** The sidebar's entries, in order. */
export const PAGE_LIST: readonly PageInfo[] = [
  { id: 'hosts', title: 'Hosts' },
  { id: 'vms', title: 'Virtual Machines' },
  { id: 'folders', title: 'Folders' },
  { id: 'specs', title: 'Customization Specs' },
  { id: 'images', title: 'Images' },
  { id: 'tasks', title: 'Tasks' },
];
