/**
 * Keeps the inventory live: each host's lifecycle events update single domains; when a host's event stream
 * cannot run, a full sync every `pollMs` is the fallback; a lost host is retried with exponential backoff.
 * A burst of events on a host (a host's reboot starts its 200 VMs) becomes one refresh of the domains it
 * names, in one round trip, not one per domain.
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
  /** Domains named by events since the last refresh, and when that refresh is due. */
  pending: Set<string>;
  flush: NodeJS.Timeout | null;
  burstStart: number;
}

/** Quiet time that ends a burst of events, and the longest a burst can put its refresh off. */
const QUIET_MS = 150;
const MAX_DELAY_MS = 1000;

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
        (e) => noteEvent(id, w, e.domain),
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

  /** Events for one domain or many in a burst (define, start…) become one refresh once they stop. */
  const noteEvent = (id: string, w: Watch, domain: string) => {
    if (!w.pending.size) w.burstStart = Date.now();
    w.pending.add(domain);
    if (w.flush) clearTimeout(w.flush);
    const wait = Math.max(0, Math.min(QUIET_MS, w.burstStart + MAX_DELAY_MS - Date.now()));
    w.flush = setTimeout(() => {
      w.flush = null;
      const domains = [...w.pending];
      w.pending.clear();
      hosts
        .refresh(id, { domains })
        .catch((err: Error) =>
          opts.log(`refresh of ${domains.length} domain(s) on host ${id} failed: ${err.message}`),
        );
    }, wait);
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
        const w: Watch = {
          stopped: false,
          stopEvents: null,
          timer: null,
          failures: 0,
          pending: new Set(),
          flush: null,
          burstStart: 0,
        };
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
    if (w.flush) clearTimeout(w.flush);
    w.pending.clear();
    watches.delete(id);
  }
}

export type HostMonitor = ReturnType<typeof createHostMonitor>;
