/**
 * React's way into the window's usage: which hosts a view shows (the watch), a page's history, and the
 * version that ticks once per frame with samples.
 */
import { useEffect, useSyncExternalStore } from 'react';
import type { UsageHistory } from '../../../../shared/domain/usage';
import { qhci } from '../../api/client';
import { usageStore } from './store';
import { UsageWatcher } from './watch';

/** The window's one watch, over the real bridge. */
export const usageWatcher = new UsageWatcher(
  {
    watch: (input) => qhci.call('usage.watch', input),
    unwatch: (input) => qhci.call('usage.unwatch', input),
    onSample: (listener) => qhci.on('usage.sample', listener),
    visible: () => document.visibilityState === 'visible',
    onVisibility: (listener) => {
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
  },
  usageStore,
);

/** Keeps these hosts watched while the view is mounted. */
export function useUsageWatch(hostIds: readonly string[]): void {
  const key = [...new Set(hostIds)].sort().join(',');
  useEffect(() => (key === '' ? undefined : usageWatcher.want(key.split(','))), [key]);
}

/** Renders again once per frame that brought samples (for views that show numbers as text). */
export function useUsageVersion(): number {
  return useSyncExternalStore(usageStore.subscribe, usageStore.getVersion);
}

/** Reads a history once per `key` and hands it to `apply`; an error goes to the store. */
function useHistory(
  read: (() => Promise<UsageHistory>) | null,
  apply: (h: UsageHistory) => void,
  key: string,
) {
  useEffect(() => {
    if (read === null) return;
    let live = true;
    const load = () =>
      read().then(
        (h) => live && apply(h),
        (err: unknown) => live && usageStore.setWatchError((err as Error).message),
      );
    void load();
    return () => {
      live = false;
    };
    // The key names what read and apply read.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
}

/** A host page: watches the host and seeds its hour (metrics and pools) from usage.history. */
export function useHostUsage(hostId: string): void {
  useUsageWatch([hostId]);
  useHistory(
    () => qhci.call('usage.history', { hostId }),
    (h) => usageStore.seedHost(hostId, h),
    hostId,
  );
}

/** A VM page: watches its host, keeps all six metrics of the VM, seeded from usage.history. */
export function useVmUsage(vmId: string, hostId: string | null): void {
  useUsageWatch(hostId === null ? [] : [hostId]);
  useEffect(() => usageStore.focusVm(vmId), [vmId]);
  useHistory(
    hostId === null ? null : () => qhci.call('usage.history', { vmId }),
    (h) => usageStore.seedVm(vmId, h),
    `${vmId}:${hostId ?? ''}`,
  );
}
