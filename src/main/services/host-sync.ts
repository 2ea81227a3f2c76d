/**
 * Keeping a host's inventory rows in step with the host: a full sync (one at a time per host, and a bounded
 * number of hosts at once), and a targeted refresh of what a change touched. Parses with src/main/virt;
 * writes through the repositories.
 */
import { AppError } from '../../shared/domain/errors';
import type { DomainInfo, HostSummary, HostSyncReport } from '../../shared/domain/host';
import type { VmState } from '../../shared/domain/vm';
import type { CollectOptions, HostDriver, RawHostData } from '../hosts/driver';
import { Limiter } from '../hosts/limiter';
import type { BatchResult } from '../hosts/virsh';
import type { Db } from '../inventory/db';
import { inTransaction } from '../inventory/db';
import type { HostInventoryRepo, SyncedDomain } from '../inventory/host-inventory.repo';
import type { HostsRepo } from '../inventory/hosts.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import { nodeFacts, parseDomainXml, parsePoolXml, parseVolumeXml } from '../virt/parse';
import type { AppEvents } from './events';
import { classifyVolumes, parseDomain, toInventory, vmState } from './inventory-parse';

/** What a change on a host touched, for a targeted refresh. */
export interface ChangedParts {
  readonly domains?: readonly string[];
  readonly pools?: readonly string[];
  readonly volumes?: readonly { pool: string; name: string }[];
}

export interface HostSyncDeps {
  readonly db: Db;
  readonly hosts: HostsRepo;
  readonly inventory: HostInventoryRepo;
  readonly vms: VmsRepo;
  readonly events: AppEvents;
  readonly log: (msg: string) => void;
  /** The live driver of a host, connected on first use. */
  readonly driverFor: (id: string) => Promise<HostDriver>;
  /** The app closed: the inventory is gone and nothing more is written. */
  readonly closed: () => boolean;
  /** Closes a host's connection (its sync ran out of time): whatever it still waited for fails. */
  readonly dropDriver?: (id: string) => void;
  readonly limits?: SyncLimits;
}

export interface SyncLimits {
  /**
   * How many hosts sync at once (default 16). Each sync connects, reads and parses a whole host; unbounded,
   * fifty hosts at start-up would open fifty handshakes and hold fifty hosts' XML in memory together. A dead
   * host holds one slot for at most its connect timeout; the others go on in the rest.
   */
  readonly concurrentSyncs?: number;
  /** How long one host's sync may read before it fails and its connection is dropped (default 120 s). */
  readonly syncTimeoutMs?: number;
}

/** How one host's sync among many ended. */
export type HostSyncOutcome =
  | { readonly hostId: string; readonly ok: true; readonly report: HostSyncReport }
  | { readonly hostId: string; readonly ok: false; readonly code: string; readonly message: string };

export const DEFAULT_CONCURRENT_SYNCS = 16;
const DEFAULT_SYNC_TIMEOUT_MS = 120_000;

export function mustGetHost(hosts: HostsRepo, id: string): HostSummary {
  const h = hosts.get(id);
  if (!h) throw new AppError('NOT_FOUND', `Host ${id} does not exist`, 'id');
  return h;
}

/** Tells the windows that a project's hosts or VMs changed. */
export const inventoryChanged = (events: AppEvents, entity: 'hosts' | 'vms', projectId: string) =>
  events.emit('inventory.changed', { entity, projectId });

export function createHostSync(deps: HostSyncDeps) {
  const { hosts, inventory, closed } = deps;
  const syncing = new Map<string, Promise<HostSyncReport>>();
  const gate = new Limiter(deps.limits?.concurrentSyncs ?? DEFAULT_CONCURRENT_SYNCS);
  const timeoutMs = deps.limits?.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS;

  const sync = {
    /**
     * A full sync; concurrent calls for one host share the same run (also while it waits for its turn
     * among the hosts being synced).
     */
    sync(id: string): Promise<HostSyncReport> {
      const running = syncing.get(id);
      if (running) return running;
      // Other hosts syncing at the same time: each reads with one virsh (CollectOptions.crowded).
      const p = gate
        .run(() => fullSync(deps, id, timeoutMs, () => gate.active + gate.waiting > 1))
        .finally(() => syncing.delete(id));
      syncing.set(id, p);
      return p;
    },

    /** How many full syncs run now and how many wait for their turn. */
    syncLoad(): { running: number; waiting: number } {
      return { running: gate.active, waiting: gate.waiting };
    },

    /**
     * Syncs the given hosts (a bounded number at once) and reports how each ended: one that fails (dead,
     * slow past its time) fails alone, with its reason, and never holds up the others beyond its own slot.
     */
    syncAll(ids: readonly string[]): Promise<HostSyncOutcome[]> {
      return Promise.all(
        ids.map((hostId) =>
          sync.sync(hostId).then(
            (report): HostSyncOutcome => ({ hostId, ok: true, report }),
            (err: unknown): HostSyncOutcome => {
              const e = err instanceof AppError ? err : new AppError('HOST_ERROR', String(err));
              return { hostId, ok: false, code: e.code, message: e.message };
            },
          ),
        ),
      );
    },

    /** Re-reads one domain after an event (or removes it when it was undefined). */
    refreshDomain(hostId: string, name: string): Promise<void> {
      return sync.refresh(hostId, { domains: [name] });
    },

    /**
     * Re-reads what a change touched, in one round trip: domains by name (removed from the inventory when
     * they are gone), pools, and volumes. Cheaper than a full sync after a creation or a deletion; the
     * periodic sync still corrects anything else.
     */
    async refresh(hostId: string, what: ChangedParts): Promise<void> {
      (await sync.read(hostId, what)).apply();
    },

    /** Volumes deleted on the host leave the inventory at once (their pools are refreshed separately). */
    forgetVolumes(hostId: string, paths: readonly string[]): void {
      if (closed() || !paths.length) return;
      const host = mustGetHost(hosts, hostId);
      inventory.removeVolumes(hostId, paths);
      inventoryChanged(deps.events, 'hosts', host.projectId);
    },

    /**
     * The reading half of refresh(): one round trip to the host. The result parses what was read (prepare,
     * when the caller has time, e.g. while a VM starts) and writes it into the inventory (apply, which
     * prepares first if needed), for a caller that writes only once what it was doing has succeeded.
     */
    async read(hostId: string, what: ChangedParts): Promise<{ prepare(): void; apply(): void }> {
      const nothing = { prepare: () => undefined, apply: () => undefined };
      if (closed()) return nothing;
      mustGetHost(hosts, hostId);
      const parts = {
        domains: what.domains ?? [],
        pools: what.pools ?? [],
        volumes: what.volumes ?? [],
      };
      const d = await deps.driverFor(hostId);
      const r = await d.virshBatch([
        ...parts.domains.flatMap((n) => [
          ['domuuid', '--domain', n],
          ['domstate', '--domain', n],
          ['dumpxml', '--domain', n],
        ]),
        ...parts.pools.map((p) => ['pool-dumpxml', '--pool', p]),
        ...parts.volumes.map((v) => ['vol-dumpxml', '--pool', v.pool, '--vol', v.name]),
      ]);
      let parsed: Refreshed | null = null;
      const prepare = () => {
        parsed ??= parseRefresh(r, parts);
        return parsed;
      };
      return { prepare, apply: () => writeRefresh(deps, hostId, prepare()) };
    },
  };
  return sync;
}

/**
 * Connects (bounded by the connection's own timeout) and reads the whole host, within `timeoutMs`: past it,
 * the host's connection is dropped, which fails whatever it still waited for.
 */
async function readHost(
  deps: HostSyncDeps,
  id: string,
  name: string,
  timeoutMs: number,
  crowded: () => boolean,
  onDomain: CollectOptions['onDomain'],
) {
  let timer: NodeJS.Timeout | undefined;
  const read = (async () => {
    const d = await deps.driverFor(id);
    if (d.kind !== 'ssh') {
      await d.connect();
      return d.collect({ crowded: crowded(), onDomain });
    }
    // An SSH host checks its virsh in a process of its own once per connection: the reading shares the
    // connection and need not wait for that check, but a failed check is what the sync reports.
    const [ready, data] = await Promise.allSettled([
      d.connect(),
      d.collect({ crowded: crowded(), onDomain }),
    ]);
    if (ready.status === 'rejected') throw ready.reason;
    if (data.status === 'rejected') throw data.reason;
    return data.value;
  })();
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deps.dropDriver?.(id);
      reject(new AppError('HOST_ERROR', `${name} did not finish its sync within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });
  // The read may still fail after the deadline (its connection dropped): that rejection is not wanted.
  read.catch(() => undefined);
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the whole host and replaces its inventory rows; a failure marks the host stale. */
async function fullSync(
  deps: HostSyncDeps,
  id: string,
  timeoutMs: number,
  crowded: () => boolean,
): Promise<HostSyncReport> {
  const { db, hosts, inventory } = deps;
  const host = mustGetHost(hosts, id);
  const t0 = performance.now();
  let raw: RawHostData;
  // Each domain is parsed as its XML arrives, while the rest is still being read.
  const parsed = new Map<string, DomainInfo | Error>();
  try {
    raw = await readHost(deps, id, host.name, timeoutMs, crowded, (d) =>
      parsed.set(d.uuid, parseDomain(d.xml)),
    );
  } catch (err) {
    const message = err instanceof AppError ? err.message : `Sync failed: ${(err as Error).message}`;
    hosts.setState(id, { state: 'disconnected', stale: true, lastError: message, seen: false });
    inventoryChanged(deps.events, 'hosts', host.projectId);
    if (!(err instanceof AppError))
      deps.log(`sync of ${host.name} failed: ${(err as Error).stack ?? String(err)}`);
    throw err instanceof AppError ? err : new AppError('HOST_ERROR', message);
  }
  const t1 = performance.now();
  const inv = toInventory(raw, parsed);
  const facts = nodeFacts(raw);
  const t2 = performance.now();
  inTransaction(db, () => {
    inventory.replace(id, host.projectId, inv);
    hosts.setFacts(id, facts);
    hosts.setState(id, { state: 'connected', stale: false, lastError: null, seen: true });
  });
  const t3 = performance.now();
  inventoryChanged(deps.events, 'hosts', host.projectId);
  inventoryChanged(deps.events, 'vms', host.projectId);
  return {
    hostId: id,
    durationMs: Math.round(t3 - t0),
    phases: { readMs: Math.round(t1 - t0), parseMs: Math.round(t2 - t1), storeMs: Math.round(t3 - t2) },
    domains: inv.domains.length,
    pools: inv.pools.length,
    networks: inv.networks.length,
    volumes: inv.volumes.length,
    warnings: inv.warnings,
  };
}

interface RefreshParts {
  readonly domains: readonly string[];
  readonly pools: readonly string[];
  readonly volumes: readonly { pool: string; name: string }[];
}

type Refreshed = ReturnType<typeof parseRefresh>;

/** Parses the answers of a refresh's batch, which asked in the order of `parts`. */
function parseRefresh(r: readonly BatchResult[], parts: RefreshParts) {
  const { domains, pools, volumes: vols } = parts;
  const gone: string[] = [];
  const synced: SyncedDomain[] = [];
  domains.forEach((name, i) => {
    const [uuid, state, xml] = [r[3 * i], r[3 * i + 1], r[3 * i + 2]];
    if (!uuid?.ok || !state?.ok || !xml?.ok) gone.push(name);
    else synced.push({ info: parseDomainXml(xml.out), state: vmState(state.out) });
  });
  let k = 3 * domains.length;
  const poolRows = pools.flatMap((_, i) => {
    const x = r[k + i];
    return x?.ok ? [parsePoolXml(x.out, 'running')] : [];
  });
  k += pools.length;
  const parsedVols = vols.flatMap((v, i) => {
    const x = r[k + i];
    return x?.ok ? [parseVolumeXml(x.out, v.pool)] : [];
  });
  // The new volumes' kinds, from what this refresh knows (their domains and their own backing files).
  const volumes = classifyVolumes(parsedVols, synced);
  return { gone, synced, poolRows, volumes };
}

/** Writes a parsed refresh into the inventory and announces what changed. */
function writeRefresh(deps: HostSyncDeps, hostId: string, { gone, synced, poolRows, volumes }: Refreshed) {
  const { inventory, events } = deps;
  // The app closed (the inventory is gone) or the host was removed meanwhile: nothing to write.
  const host = deps.closed() ? undefined : deps.hosts.get(hostId);
  if (!host) return;
  const changedVms: { vmId: string; state: VmState }[] = [];
  inTransaction(deps.db, () => {
    for (const name of gone) {
      const vmId = inventory.removeDomainByName(hostId, name);
      if (vmId) changedVms.push({ vmId, state: 'unknown' });
    }
    for (const sd of synced) {
      const vmId = inventory.upsertDomain(hostId, host.projectId, sd);
      // A VM being created keeps its state; its task announces the state it ends in.
      if (deps.vms.get(vmId)?.state !== 'creating') changedVms.push({ vmId, state: sd.state });
    }
    inventory.absorb(hostId, { pools: poolRows, volumes });
  });
  for (const c of changedVms) events.emit('vm.state', { vmId: c.vmId, hostId, state: c.state });
  if (changedVms.length) inventoryChanged(deps.events, 'vms', host.projectId);
  if (poolRows.length || volumes.length) inventoryChanged(deps.events, 'hosts', host.projectId);
}
