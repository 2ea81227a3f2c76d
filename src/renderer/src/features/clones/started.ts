/**
 * The tasks a clone request started. The channel answered `{ taskId }` for one clone and answers
 * `{ taskId, taskIds }` (one per clone, in name order) since bulk clones: both are read here.
 */
export function startedTaskIds(out: { readonly taskId: string; readonly taskIds?: readonly string[] }) {
  return out.taskIds !== undefined && out.taskIds.length > 0 ? out.taskIds : [out.taskId];
}
