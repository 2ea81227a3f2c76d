/**
 * Keeps the inventory live: each host's lifecycle events update single domains; when a host's event stream
 * cannot run, a full sync every `pollMs` is the fallback; a lost host is retried with exponential backoff.
 */
import type { HostsService } from './hosts';

export interface MonitorOptions {
  readonly pollMs: number;
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  readonly log: (msg: string) => void;
}

interface Watch {
  stopped: boolean;
  stopEvents: (() => void) | null;
  timer: NodeJS.Timeout | null;
  failures: number;
  pending: Map<string, NodeJS.Timeout>;
}

export function createHostMonitor(hosts: HostsService, listHostIds: () => string[], opts: MonitorOptions) {
  const watches = new Map<string, Watch>();

  const schedule = (id: string, w: Watch, ms: number, fn: () => void) => {
    if (w.timer) clearTimeout(w.timer);
    w.timer = setTimeout(fn, ms);
    w.timer.unref?.();
  };

  const attach = async (id: string, w: Watch): Promise<void> => {
    if (w.stopped) return;
    try {
      await hosts.sync(id);
      const driver = await hosts.driverFor(id);
      w.stopEvents = await driver.watchEvents(
        (e) => {
          // Several events for one domain in a burst (define, start…) become one refresh.
          const t = w.pending.get(e.domain);
          if (t) clearTimeout(t);
          w.pending.set(
            e.domain,
            setTimeout(() => {
              w.pending.delete(e.domain);
              hosts
                .refreshDomain(id, e.domain)
                .catch((err: Error) => opts.log(`refresh of ${e.domain} failed: ${err.message}`));
            }, 150),
          );
        },
        (reason) => {
          w.stopEvents = null;
          if (w.stopped) return;
          opts.log(`${reason}; polling until it is back`);
          retry(id, w);
        },
      );
      w.failures = 0;
      // Events cover changes; a slow full sync still catches what events cannot (pools, volumes).
      schedule(id, w, opts.pollMs, () => void poll(id, w));
    } catch (err) {
      opts.log(`host ${id} is unreachable: ${(err as Error).message}`);
      retry(id, w);
    }
  };

  const retry = (id: string, w: Watch) => {
    w.failures += 1;
    const ms = Math.min(opts.backoff.maxMs, opts.backoff.initialMs * 2 ** (w.failures - 1));
    schedule(id, w, ms, () => void attach(id, w));
  };

  const poll = async (id: string, w: Watch) => {
    if (w.stopped) return;
    try {
      await hosts.sync(id);
    } catch {
      /* marked stale by sync; the event stream's end triggers the reconnect */
    }
    schedule(id, w, opts.pollMs, () => void poll(id, w));
  };

  return {
    /** Starts watching every host not yet watched (call again after adding hosts). */
    refresh(): void {
      const ids = new Set(listHostIds());
      for (const id of ids) {
        if (watches.has(id)) continue;
        const w: Watch = { stopped: false, stopEvents: null, timer: null, failures: 0, pending: new Map() };
        watches.set(id, w);
        void attach(id, w);
      }
      for (const [id, w] of watches) if (!ids.has(id)) stop(id, w);
    },
    stopAll(): void {
      for (const [id, w] of watches) stop(id, w);
    },
  };

  function stop(id: string, w: Watch) {
    w.stopped = true;
    w.stopEvents?.();
    if (w.timer) clearTimeout(w.timer);
    for (const t of w.pending.values()) clearTimeout(t);
    watches.delete(id);
  }
}

export type HostMonitor = ReturnType<typeof createHostMonitor>;
