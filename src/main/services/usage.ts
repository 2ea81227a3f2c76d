/**
 * Live usage: watches (leases) decide which hosts main polls and how often; each poll of a watched host is
 * pushed as `usage.sample` with its domains named by inventory VM ids; history comes from the poller's rings.
 *
 *   - a host is polled only while an unexpired watch names it (or names every host), at the shortest
 *     interval those watches ask; a window that died stops renewing and its watches lapse;
 *   - every host has its own timer in the poller: a dead or slow host delays nobody else;
 *   - memory stays bounded: a host's ring is dropped when the host leaves the inventory, or after it has
 *     not been watched for `forgetAfterMs` (an hour); watches are at most MAX_WATCHES.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/domain/errors';
import type { HostSummary } from '../../shared/domain/host';
import {
  HOST_USAGE_METRICS,
  VM_USAGE_METRICS,
  type UsageHistory,
  type UsageSeries,
  type UsageWatchInput,
} from '../../shared/domain/usage';
import type { HostDriver } from '../hosts/driver';
import type { VmsRepo } from '../inventory/vms.repo';
import { domainKey, hostKey, poolKey, UsagePoller, type HostUsage } from '../stats/poller';
import { toUsageSample } from '../stats/sample';
import { UsageWatches } from '../stats/watches';
import type { AppEvents } from './events';

export const MAX_WATCHES = 256;
const POOL_PREFIX = poolKey('');

export interface UsageServiceDeps {
  readonly hosts: { list(): HostSummary[]; get(id: string): HostSummary | undefined };
  readonly vms: Pick<VmsRepo, 'get' | 'idsByName'>;
  readonly driverFor: (hostId: string) => Promise<Pick<HostDriver, 'virshBatch'>>;
  readonly events: AppEvents;
  readonly now?: () => number;
  /** A host not watched this long loses its history (default an hour). */
  readonly forgetAfterMs?: number;
  /** Longest a poll may take before its watchers hear it failed (default 15 s). */
  readonly pollTimeoutMs?: number;
}

export type UsageService = ReturnType<typeof createUsageService>;

export function createUsageService(deps: UsageServiceDeps) {
  const now = deps.now ?? Date.now;
  const forgetAfterMs = deps.forgetAfterMs ?? 3_600_000;
  const poller = new UsagePoller({
    driverOf: (id) => ({ virshBatch: async (c, o) => (await deps.driverFor(id)).virshBatch(c, o) }),
    ...(deps.pollTimeoutMs ? { timeoutMs: deps.pollTimeoutMs } : {}),
    now,
  });
  const watches = new UsageWatches(MAX_WATCHES);
  /** Hosts polled now: at which interval, and how to stop. */
  const polled = new Map<string, { intervalMs: number; off: () => void }>();
  /** Hosts with history that nobody watches now, and since when. */
  const unwatchedSince = new Map<string, number>();
  /** Domain name → VM id per host, read again when the inventory's VMs or hosts change. */
  const names = new Map<string, Map<string, string>>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const vmIdOf = (hostId: string) => {
    let m = names.get(hostId);
    if (!m) names.set(hostId, (m = deps.vms.idsByName(hostId)));
    return (domain: string) => m.get(domain);
  };
  const publish = (u: HostUsage) => deps.events.emit('usage.sample', toUsageSample(u, vmIdOf(u.hostId)));

  /** Brings the polling in line with the live watches, and drops what nobody needs any more. */
  const reconcile = (): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = null;
    const t = now();
    const nextLapse = watches.sweep(t);
    const exists = new Set(deps.hosts.list().map((h) => h.id));
    const wanted = watches.wanted(() => [...exists]);
    for (const [hostId, intervalMs] of wanted) {
      if (!exists.has(hostId)) continue;
      const cur = polled.get(hostId);
      if (cur?.intervalMs === intervalMs) continue;
      // Subscribe at the new interval before leaving the old one: the host never stops in between.
      polled.set(hostId, { intervalMs, off: poller.subscribe(hostId, publish, intervalMs) });
      cur?.off();
      unwatchedSince.delete(hostId);
    }
    for (const [hostId, p] of polled) {
      if (wanted.has(hostId) && exists.has(hostId)) continue;
      p.off();
      polled.delete(hostId);
      unwatchedSince.set(hostId, t);
    }
    let nextForget: number | undefined;
    for (const [hostId, since] of unwatchedSince) {
      if (!exists.has(hostId) || t - since >= forgetAfterMs) {
        poller.forget(hostId);
        names.delete(hostId);
        unwatchedSince.delete(hostId);
      } else nextForget = Math.min(nextForget ?? Infinity, since + forgetAfterMs);
    }
    const next = Math.min(nextLapse ?? Infinity, nextForget ?? Infinity);
    if (next !== Infinity) {
      timer = setTimeout(reconcile, Math.max(0, next - t));
      timer.unref?.();
    }
  };

  const offEvents = deps.events.subscribe((event, payload) => {
    if (event !== 'inventory.changed') return;
    const entity = (payload as { entity: string }).entity;
    if (entity !== 'vms' && entity !== 'hosts') return;
    names.clear();
    if (entity === 'hosts') reconcile();
  });

  const series = (hostId: string, key: string): UsageSeries => poller.history(hostId, key);

  return {
    /** Starts or renews a watch; returns its id and the hosts it covers now. */
    watch(input: UsageWatchInput): { watchId: string; hostIds: string[] } {
      if (closed) throw new AppError('UNSUPPORTED', 'Live usage has stopped: the app is closing');
      const hostIds = input.hostIds ? [...new Set(input.hostIds)] : null;
      hostIds?.forEach((id, i) => {
        if (!deps.hosts.get(id)) throw new AppError('NOT_FOUND', `No host with id ${id}`, `hostIds.${i}`);
      });
      const watchId = input.watchId ?? randomBytes(12).toString('base64url');
      const ok = watches.put({
        id: watchId,
        hostIds,
        intervalMs: input.intervalSeconds * 1000,
        expiresAt: now() + input.leaseSeconds * 1000,
      });
      if (!ok)
        throw new AppError(
          'CONFLICT',
          `${MAX_WATCHES} usage watches are open already; end one (usage.unwatch) or let it lapse`,
          'watchId',
        );
      reconcile();
      return { watchId, hostIds: hostIds ?? deps.hosts.list().map((h) => h.id) };
    },

    /** Ends a watch now (one that lapsed already or never was is fine too). */
    unwatch(watchId: string): { unwatched: true } {
      if (watches.remove(watchId)) reconcile();
      return { unwatched: true };
    },

    /** The last hour of a host's or a VM's metrics, downsampled, oldest first. */
    history(input: { hostId: string } | { vmId: string }): UsageHistory {
      if ('hostId' in input) {
        if (!deps.hosts.get(input.hostId))
          throw new AppError('NOT_FOUND', `No host with id ${input.hostId}`, 'hostId');
        const pools: Record<string, UsageSeries> = {};
        for (const key of poller.keys(input.hostId))
          if (key.startsWith(POOL_PREFIX)) pools[key.slice(POOL_PREFIX.length)] = series(input.hostId, key);
        const metrics = Object.fromEntries(
          HOST_USAGE_METRICS.map((m) => [m, series(input.hostId, hostKey(m))]),
        );
        return { metrics, pools };
      }
      const vm = deps.vms.get(input.vmId);
      if (!vm) throw new AppError('NOT_FOUND', `No VM with id ${input.vmId}`, 'vmId');
      const hostId = vm.hostId;
      const empty: UsageSeries = { t: [], v: [] };
      const metrics = Object.fromEntries(
        VM_USAGE_METRICS.map((m) => [m, hostId ? series(hostId, domainKey(m, vm.name)) : empty]),
      );
      return { metrics };
    },

    /** Hosts polled now and their intervals (tests, diagnostics). */
    polling(): Map<string, number> {
      return new Map([...polled].map(([id, p]) => [id, p.intervalMs]));
    },

    /** The poller underneath (tests count its polls; bench). */
    poller,

    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      offEvents();
      polled.clear();
      poller.close();
    },
  };
}
