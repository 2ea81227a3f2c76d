import { useMemo } from 'react';
import { useUi } from './ui';

/** The `{ projectId }` part of a call's input for the project the UI shows (omitted: the default project). */
export function useProjectInput(): { projectId?: string } {
  const projectId = useUi((s) => s.projectId);
  return useMemo(() => (projectId === undefined ? {} : { projectId }), [projectId]);
}
