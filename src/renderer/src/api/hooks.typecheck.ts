/**
 * Compile-time checks only (never imported, never run): `tsc -p tsconfig.web.json` fails if the hooks stop
 * rejecting a wrong channel or a wrong input shape.
 */
import { useQhciMutation, useQhciQuery } from './hooks';

export function useTypeChecks(): void {
  // Accepted.
  useQhciQuery('folders.tree', {});
  useQhciQuery('specs.get', { id: 'x' });
  useQhciMutation('folders.create').mutate({ name: 'a' });

  // @ts-expect-error: no such channel
  useQhciQuery('folders.list', {});
  // @ts-expect-error: a mutating channel is not a query
  useQhciQuery('folders.delete', { id: 'x' });
  // @ts-expect-error: a read-only channel is not a mutation
  useQhciMutation('specs.list');
  // @ts-expect-error: wrong input shape (id must be a string)
  useQhciQuery('specs.get', { id: 1 });
  // @ts-expect-error: a field the channel does not take
  useQhciQuery('specs.list', { projectId: 'p', folderId: 'f' });
  // @ts-expect-error: missing required field
  useQhciMutation('folders.rename').mutate({ id: 'x' });

  const tree = useQhciQuery('folders.tree', {});
  // The output type comes from the contract.
  const count: number | undefined = tree.data?.vmCount;
  // @ts-expect-error: FolderNode has no "size"
  void tree.data?.size;
  void count;
}
