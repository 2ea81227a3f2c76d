import { z } from 'zod';
import { DisplayName, FolderName, Id, ProjectRef } from './names';

export interface Project {
  readonly id: string;
  readonly name: string;
  readonly createdAt: string;
}

export interface Folder {
  readonly id: string;
  readonly projectId: string;
  /** null only for the project's root folder "/". */
  readonly parentId: string | null;
  readonly name: string;
  readonly path: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface FolderNode extends Folder {
  /** VMs directly in this folder. */
  readonly vmCount: number;
  readonly children: readonly FolderNode[];
}

export const ProjectCreateInput = z.strictObject({ name: DisplayName });

export const FolderTreeInput = z.strictObject({ projectId: ProjectRef });
export const FolderGetInput = z.strictObject({ id: Id });
export const FolderCreateInput = z.strictObject({
  projectId: ProjectRef,
  /** Omitted: directly under the project's root "/". */
  parentId: Id.optional(),
  name: FolderName,
});
export const FolderRenameInput = z.strictObject({ id: Id, name: FolderName });
export const FolderMoveInput = z.strictObject({ id: Id, parentId: Id });
export const FolderDeleteInput = z.strictObject({ id: Id });

export interface FolderDeleteResult {
  readonly deletedFolders: number;
  /** VMs that stay in the inventory with their folder cleared. */
  readonly unassignedVms: number;
}

export const VmMoveToFolderInput = z.strictObject({
  vmIds: z.array(Id).min(1, 'Choose at least one VM').max(10000, 'At most 10000 VMs at once'),
  /** null: take the VMs out of any folder. */
  folderId: Id.nullable(),
});

export interface VmMoveResult {
  readonly moved: number;
}
