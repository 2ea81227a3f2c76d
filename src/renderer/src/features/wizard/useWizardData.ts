/**
 * What the wizard reads from main, for the draft as it is now: hosts (with their pools, networks and
 * volumes), images, specs, folders, and the scheduler's dry run for the draft. All of it through React
 * Query, so every step shares one copy and `inventory.changed` refreshes it.
 */
import { keepPreviousData, useQueries } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { HostDetail } from '../../../../shared/domain/host';
import { qhci } from '../../api/client';
import { useQhciQuery } from '../../api/hooks';
import { queryKeys } from '../../api/keys';
import { useUi } from '../../stores/ui';
import { EMPTY_FACTS, type WizardDraft, type WizardFacts } from './draft';
import { placementRequest } from './request';

/** Stable, so React Query keeps the combined list while no host detail changed. */
function loadedDetails(results: readonly { data?: HostDetail | undefined }[]): HostDetail[] {
  return results.flatMap((r) => (r.data === undefined ? [] : [r.data]));
}

export function useWizardProject(draft: WizardDraft): { projectId?: string } {
  const uiProject = useUi((s) => s.projectId);
  const projectId = draft.basics.projectId ?? uiProject;
  return useMemo(() => (projectId === undefined ? {} : { projectId }), [projectId]);
}

export function useWizardData(draft: WizardDraft) {
  const project = useWizardProject(draft);
  const hosts = useQhciQuery('hosts.list', project);
  const hostIds = useMemo(() => (hosts.data ?? []).map((h) => h.id), [hosts.data]);
  const hostDetails = useQueries({
    queries: hostIds.map((id) => ({
      queryKey: queryKeys.call('hosts.get', { id }),
      queryFn: () => qhci.call('hosts.get', { id }),
    })),
    combine: loadedDetails,
  });
  const images = useQhciQuery('images.list', project);
  const specs = useQhciQuery('specs.list', project);

  const image = images.data?.find((i) => i.id === draft.boot.imageId);
  const volumes = useMemo(
    () => (images.data ?? []).filter((i) => i.kind === 'disk' && !i.attached),
    [images.data],
  );
  const spec = specs.data?.find((s) => s.id === draft.customization.specId);

  const baseFacts: WizardFacts = useMemo(
    () => ({
      ...EMPTY_FACTS,
      hosts: hosts.data ?? [],
      pools: Object.fromEntries(hostDetails.map((d) => [d.host.id, d.pools])),
      image,
      volumes,
      spec,
    }),
    [hosts.data, hostDetails, image, volumes, spec],
  );

  const request = useMemo(() => placementRequest(draft, baseFacts), [draft, baseFacts]);
  const hasHosts = (hosts.data?.length ?? 0) > 0;
  const placement = useQhciQuery(
    'scheduler.place',
    { ...project, request },
    { enabled: hasHosts, placeholderData: keepPreviousData },
  );
  const fresh = placement.isSuccess && !placement.isPlaceholderData;

  const facts: WizardFacts = useMemo(
    () => ({
      ...baseFacts,
      placement: fresh ? placement.data : undefined,
      placementError: placement.isError ? placement.error.message : undefined,
    }),
    [baseFacts, fresh, placement.data, placement.isError, placement.error],
  );

  return {
    project,
    facts,
    hosts,
    hostDetails,
    images,
    specs,
    placement,
    placementRequest: request,
    /** The table as last answered, while a new dry run runs. */
    outcome: placement.data,
    outcomeStale: placement.isFetching,
  };
}

export type WizardData = ReturnType<typeof useWizardData>;
