/**
 * Hosts: add (with trust on first use), edit, remove, sync and live monitoring (VM power: vm-power.ts).
 * Joins the drivers (src/main/hosts) and the repositories (src/main/inventory); parses with src/main/virt.
 * The staged connect of add and edit: host-connect.ts; sync and refresh: host-sync.ts.
 */
import { AppError } from '../../shared/domain/errors';
import {
  mergeHostPolicy,
  type HostDetail,
  type HostSummary,
  type HostSyncReport,
} from '../../shared/domain/host';
import { sshKeyEndpoint } from '../../shared/domain/libvirt-uri';
import type { ParsedInput } from '../../shared/ipc/contract';
import type { DriverContext } from '../hosts/credentials';
import { DriverPool } from '../hosts/driver-pool';
import type { HostDriver } from '../hosts/driver';
import type { Db } from '../inventory/db';
import { inTransaction } from '../inventory/db';
import type { HostInventoryRepo } from '../inventory/host-inventory.repo';
import type { HostsRepo } from '../inventory/hosts.repo';
import { newId } from '../inventory/rows';
import type { VmsRepo } from '../inventory/vms.repo';
import type { AppEvents } from './events';
import {
  connectStaged,
  forgetSecrets,
  localLibvirtAnswers,
  probeKey,
  testConnection,
  type ConnectionInput,
} from './host-connect';
import { createHostSync, inventoryChanged, mustGetHost, type SyncLimits } from './host-sync';
import type { ProjectsService } from './projects';

export type { ChangedParts, HostSyncOutcome, SyncLimits } from './host-sync';

export interface HostsServiceDeps {
  readonly db: Db;
  readonly hosts: HostsRepo;
  readonly inventory: HostInventoryRepo;
  readonly vms: VmsRepo;
  readonly projects: ProjectsService;
  readonly events: AppEvents;
  readonly driverContext: DriverContext;
  readonly log: (msg: string) => void;
  /** How many hosts sync at once and how long one sync may take (host-sync.ts). */
  readonly limits?: SyncLimits;
}

/** What the operations below share: the dependencies, the pool of live drivers, the sync and the monitors. */
interface HostsContext {
  readonly deps: HostsServiceDeps;
  readonly drivers: DriverPool;
  readonly sync: (id: string) => Promise<HostSyncReport>;
  readonly monitors: ReadonlyMap<string, { stop(): void }>;
}

export function createHostsService(deps: HostsServiceDeps) {
  const { hosts, inventory, projects, driverContext } = deps;
  const { knownHosts } = driverContext;
  const drivers = new DriverPool((id) => hosts.getRecord(id), driverContext);
  let closed = false;

  /** The live driver of a host, connected on first use. */
  const driverFor = async (id: string): Promise<HostDriver> => drivers.get(id);
  const sync = createHostSync({
    ...deps,
    driverFor,
    dropDriver: (id) => drivers.drop(id),
    closed: () => closed,
  });

  /** Live state: lifecycle events where the stream works, polling where it does not, reconnect with backoff. */
  const monitors = new Map<string, { stop(): void }>();
  const ctx: HostsContext = { deps, drivers, sync: (id) => sync.sync(id), monitors };

  const service = {
    list(projectRef: string | undefined): HostSummary[] {
      return hosts.list(projects.resolve(projectRef).id);
    },

    get(id: string): HostDetail {
      const host = mustGetHost(hosts, id);
      return {
        host,
        pools: inventory.pools(id),
        networks: inventory.networks(id),
        volumes: inventory.volumes(id),
      };
    },

    /** The workstation's own libvirt, offered on first run when it answers and no host uses it yet. */
    async suggestLocal(): Promise<{ uri: string } | null> {
      const uri = 'qemu:///system';
      if (hosts.list().some((h) => h.kind === 'libvirt' && h.uri === uri)) return null;
      return (await localLibvirtAnswers(driverContext, uri)) ? { uri } : null;
    },

    /** The SSH host key a server presents, checked against known_hosts, for the trust prompt. */
    probe: (address: string, port: number, allowSha1?: boolean) =>
      probeKey(knownHosts, address, port, allowSha1 === true),

    /** Connects once with the given settings and reports what the host is, without saving anything. */
    test: (input: { connection: ConnectionInput; acceptFingerprint?: string | undefined }) =>
      testConnection(driverContext, input),

    add: (input: ParsedInput<'hosts.add'>): Promise<HostSummary> => addHost(ctx, input),

    update: (input: ParsedInput<'hosts.update'>): Promise<HostSummary> => updateHost(ctx, input),

    /** Removes the host and its inventory rows. The host itself is never touched. */
    remove: (id: string): { removed: true } => removeHost(ctx, id),

    /** Opens the host's connection now (the command-line tool does this while it prepares a request). */
    async connect(id: string): Promise<{ connected: true }> {
      mustGetHost(hosts, id);
      const d = await driverFor(id);
      await d.connect();
      return { connected: true };
    },

    ...sync,

    /**
     * Forgets the trusted key of address:port, after the user confirmed that a changed key is expected
     * (the host was rebuilt). The next connection asks to trust the new key.
     */
    forgetKey(address: string, port: number): { forgotten: true } {
      knownHosts.forget(address, port);
      for (const h of hosts.list()) {
        const e = sshKeyEndpoint(h);
        if (e && e.address === address && e.port === port) drivers.drop(h.id);
      }
      return { forgotten: true };
    },

    close(): void {
      closed = true;
      for (const m of monitors.values()) m.stop();
      drivers.close();
    },
  };

  return { ...service, monitors, driverFor };
}

export type HostsService = ReturnType<typeof createHostsService>;

/** Adds a host once it has answered with the given settings, then syncs it (a failed first sync is logged). */
async function addHost(ctx: HostsContext, input: ParsedInput<'hosts.add'>): Promise<HostSummary> {
  const { db, hosts, projects, driverContext, log } = ctx.deps;
  const project = projects.resolve(input.projectId);
  const refuseTakenName = () => {
    if (hosts.idByName(project.id, input.name)) {
      throw new AppError('CONFLICT', `A host named "${input.name}" already exists`, 'name');
    }
  };
  refuseTakenName();
  const id = newId();
  // Secrets stay in memory until the host has answered; only then are they written to the store.
  const driver = await connectStaged(driverContext, id, input.connection, input.acceptFingerprint, (spec) =>
    inTransaction(db, () => {
      refuseTakenName();
      hosts.insert({ id, projectId: project.id, name: input.name, ...spec });
    }),
  );
  ctx.drivers.put(id, driver);
  inventoryChanged(ctx.deps.events, 'hosts', project.id);
  try {
    await ctx.sync(id);
  } catch (err) {
    log(`first sync of ${input.name} failed: ${(err as Error).message}`);
  }
  return mustGetHost(hosts, id);
}

/** Renames a host, changes its policy, or (once the new settings have answered) its connection. */
async function updateHost(ctx: HostsContext, input: ParsedInput<'hosts.update'>): Promise<HostSummary> {
  const { db, hosts, driverContext } = ctx.deps;
  const current = hosts.getRecord(input.id);
  if (!current) throw new AppError('NOT_FOUND', `Host ${input.id} does not exist`, 'id');
  const name = input.name ?? current.name;
  const clash = hosts.idByName(current.projectId, name);
  if (clash && clash !== current.id)
    throw new AppError('CONFLICT', `A host named "${name}" already exists`, 'name');
  if (input.connection && input.connection.kind !== current.kind) {
    throw new AppError(
      'VALIDATION',
      'The kind of a host cannot change; add it again as the other kind',
      'connection.kind',
    );
  }
  // The policy (a partial change, already checked by the contract) is stored with the rest, at once.
  const save = (next: typeof current) => {
    const policy = input.policy && mergeHostPolicy(mustGetHost(hosts, current.id).policy, input.policy);
    inTransaction(db, () => {
      hosts.update(next);
      if (policy) hosts.setPolicy(current.id, policy);
    });
  };
  if (input.connection) {
    // Once proven and saved, the host's secrets are the new ones; its pooled driver reconnects with them.
    const driver = await connectStaged(
      driverContext,
      current.id,
      input.connection,
      input.acceptFingerprint,
      (spec) => save({ ...current, name, ...spec }),
    );
    driver.close();
    ctx.drivers.drop(current.id);
  } else {
    save({ ...current, name });
  }
  inventoryChanged(ctx.deps.events, 'hosts', current.projectId);
  return mustGetHost(hosts, current.id);
}

function removeHost(ctx: HostsContext, id: string): { removed: true } {
  const { db, hosts, inventory, events, driverContext } = ctx.deps;
  const host = mustGetHost(hosts, id);
  ctx.drivers.drop(id);
  ctx.monitors.get(id)?.stop();
  inTransaction(db, () => {
    inventory.removeHostVms(id);
    hosts.remove(id);
  });
  forgetSecrets(driverContext.secrets, id);
  // Its trusted key goes with it, unless another host (SSH, or a qemu+ssh URI) meets the same server.
  const at = sshKeyEndpoint(host);
  if (at) {
    const same = (h: HostSummary) => {
      const e = sshKeyEndpoint(h);
      return e !== null && e.address === at.address && e.port === at.port;
    };
    if (!hosts.list().some(same)) driverContext.knownHosts.forget(at.address, at.port);
  }
  inventoryChanged(events, 'hosts', host.projectId);
  inventoryChanged(events, 'vms', host.projectId);
  return { removed: true };
}
