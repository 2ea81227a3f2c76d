import { useState } from 'react';
import type { HostSummary, HostSyncReport } from '../../../../shared/domain/host';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';

export type SyncOutcome =
  | { readonly host: string; readonly report: HostSyncReport }
  | { readonly host: string; readonly error: string };

/** "Sync now" for any number of hosts at once: which are running, and how the last one ended. */
export function useHostSync() {
  const sync = useQhciMutation('hosts.sync');
  const [running, setRunning] = useState<ReadonlySet<string>>(new Set());
  const [outcome, setOutcome] = useState<SyncOutcome | null>(null);

  const start = (host: HostSummary) => {
    setRunning((s) => new Set(s).add(host.id));
    sync
      .mutateAsync({ id: host.id })
      .then(
        (report) => setOutcome({ host: host.name, report }),
        (err: unknown) => setOutcome({ host: host.name, error: toAppError(err).message }),
      )
      .finally(() =>
        setRunning((s) => {
          const next = new Set(s);
          next.delete(host.id);
          return next;
        }),
      );
  };

  return { start, running, outcome, dismiss: () => setOutcome(null) };
}

export function describeReport(r: HostSyncReport): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${n(r.domains, 'VM')}, ${n(r.pools, 'pool')}, ${n(r.networks, 'network')}, ${n(r.volumes, 'volume')} in ${r.durationMs} ms`;
}
