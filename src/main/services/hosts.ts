/**
 * Hosts: add (with trust on first use), edit, remove, sync and live monitoring (VM power: vm-power.ts).
 * Joins the drivers (src/main/hosts) and the repositories (src/main/inventory); parses with src/main/virt.
 */
import { AppError } from '../../shared/domain/errors';
import {
  mergeHostPolicy,
  type HostDetail,
  type HostSummary,
  type HostSyncReport,
  type StoredAuth,
} from '../../shared/domain/host';
import type { VmState } from '../../shared/domain/vm';
import type { ParsedInput } from '../../shared/ipc/contract';
import { createDriver, type DriverContext, type DriverSpec } from '../hosts/credentials';
import { DriverPool } from '../hosts/driver-pool';
import type { HostDriver, RawHostData } from '../hosts/driver';
import { MemorySecretStore, type SecretStore } from '../hosts/secrets';
import { probeHostKey } from '../hosts/ssh-connection';
import type { Db } from '../inventory/db';
import { inTransaction } from '../inventory/db';
import type { HostInventoryRepo, SyncedDomain } from '../inventory/host-inventory.repo';
import type { HostsRepo } from '../inventory/hosts.repo';
import { newId } from '../inventory/rows';
import type { VmsRepo } from '../inventory/vms.repo';
import { nodeFacts, parseDomainXml, parsePoolXml, parseVolumeXml } from '../virt/parse';
import type { AppEvents } from './events';
import type { ProjectsService } from './projects';
import { classifyVolumes, toInventory, vmState } from './inventory-parse';

/** What a change on a host touched, for a targeted refresh. */
export interface ChangedParts {
  readonly domains?: readonly string[];
  readonly pools?: readonly string[];
  readonly volumes?: readonly { pool: string; name: string }[];
}

export interface HostsServiceDeps {
  readonly db: Db;
  readonly hosts: HostsRepo;
  readonly inventory: HostInventoryRepo;
  readonly vms: VmsRepo;
  readonly projects: ProjectsService;
  readonly events: AppEvents;
  readonly driverContext: DriverContext;
  readonly log: (msg: string) => void;
}

export function createHostsService(deps: HostsServiceDeps) {
  const { db, hosts, inventory, projects, events, driverContext, log } = deps;
  const { secrets, knownHosts } = driverContext;
  const drivers = new DriverPool((id) => hosts.getRecord(id), driverContext);
  let closed = false;
  const syncing = new Map<string, Promise<HostSyncReport>>();

  const mustGet = (id: string): HostSummary => {
    const h = hosts.get(id);
    if (!h) throw new AppError('NOT_FOUND', `Host ${id} does not exist`, 'id');
    return h;
  };

  const changed = (entity: 'hosts' | 'vms', projectId: string) =>
    events.emit('inventory.changed', { entity, projectId });

  /** The live driver of a host, connected on first use. */
  const driverFor = async (id: string): Promise<HostDriver> => drivers.get(id);
  const dropDriver = (id: string) => drivers.drop(id);

  /** Puts the secrets of a connection into a store and returns the auth record that refers to them. */
  const storeAuth = (
    hostId: string,
    c: ParsedInput<'hosts.add'>['connection'],
    store: SecretStore,
  ): StoredAuth | null => {
    if (c.kind !== 'ssh') return null;
    const a = c.auth;
    if (a.method === 'password') {
      const ref = `host:${hostId}:password`;
      store.set(ref, a.password);
      return { method: 'password', passwordRef: ref };
    }
    if (a.method === 'key') {
      if (a.passphrase === undefined) return { method: 'key', keyFile: a.keyFile };
      const ref = `host:${hostId}:passphrase`;
      store.set(ref, a.passphrase);
      return { method: 'key', keyFile: a.keyFile, passphraseRef: ref };
    }
    return a.socket === undefined ? { method: 'agent' } : { method: 'agent', socket: a.socket };
  };

  const forgetSecrets = (hostId: string) => {
    secrets.delete(`host:${hostId}:password`);
    secrets.delete(`host:${hostId}:passphrase`);
  };

  const specOf = (c: ParsedInput<'hosts.add'>['connection'], auth: StoredAuth | null): DriverSpec =>
    c.kind === 'libvirt'
      ? { kind: 'libvirt', uri: c.uri, address: null, port: null, username: null, auth: null }
      : { kind: 'ssh', uri: c.uri, address: c.address, port: c.port, username: c.user, auth };

  const doSync = async (id: string): Promise<HostSyncReport> => {
    const host = mustGet(id);
    const t0 = performance.now();
    let raw: RawHostData;
    try {
      const d = await driverFor(id);
      await d.connect();
      raw = await d.collect();
    } catch (err) {
      const message = err instanceof AppError ? err.message : `Sync failed: ${(err as Error).message}`;
      hosts.setState(id, { state: 'disconnected', stale: true, lastError: message, seen: false });
      changed('hosts', host.projectId);
      if (!(err instanceof AppError))
        log(`sync of ${host.name} failed: ${(err as Error).stack ?? String(err)}`);
      throw err instanceof AppError ? err : new AppError('HOST_ERROR', message);
    }
    const t1 = performance.now();
    const inv = toInventory(raw);
    const facts = nodeFacts(raw);
    const t2 = performance.now();
    inTransaction(db, () => {
      inventory.replace(id, host.projectId, inv);
      hosts.setFacts(id, facts);
      hosts.setState(id, { state: 'connected', stale: false, lastError: null, seen: true });
    });
    const t3 = performance.now();
    changed('hosts', host.projectId);
    changed('vms', host.projectId);
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
  };

  const service = {
    list(projectRef: string | undefined): HostSummary[] {
      return hosts.list(projects.resolve(projectRef).id);
    },

    get(id: string): HostDetail {
      const host = mustGet(id);
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
      const probe = createDriver(
        { kind: 'libvirt', uri, address: null, port: null, username: null, auth: null },
        driverContext,
      );
      try {
        await probe.virsh(['uri'], { timeoutMs: 5000 });
        return { uri };
      } catch {
        return null;
      } finally {
        probe.close();
      }
    },

    /** The SSH host key a server presents, checked against known_hosts, for the trust prompt. */
    async probe(address: string, port: number) {
      const check = await probeHostKey(address, port, knownHosts);
      return check.status === 'changed'
        ? {
            status: check.status,
            fingerprint: check.fingerprint,
            keyType: check.keyType,
            trusted: check.trusted,
          }
        : {
            status: check.status,
            fingerprint: check.fingerprint,
            keyType: check.status === 'unknown' ? check.keyType : '',
            trusted: [],
          };
    },

    /** Connects once with the given settings and reports what the host is, without saving anything. */
    async test(input: {
      connection: ParsedInput<'hosts.add'>['connection'];
      acceptFingerprint?: string | undefined;
    }) {
      // Nothing of a test stays behind: secrets and a newly trusted key live only for this connection.
      const staged = new MemorySecretStore();
      const auth = storeAuth('test', input.connection, staged);
      const ctx = { ...driverContext, secrets: staged, trust: knownHosts.staged() };
      const driver = createDriver(specOf(input.connection, auth), ctx, input.acceptFingerprint);
      try {
        await driver.connect();
        const raw = await driver.collect();
        return {
          facts: nodeFacts(raw),
          domains: raw.domains.length,
          pools: raw.pools.length,
          networks: raw.networks.length,
        };
      } finally {
        driver.close();
      }
    },

    async add(input: ParsedInput<'hosts.add'>): Promise<HostSummary> {
      const project = projects.resolve(input.projectId);
      if (hosts.idByName(project.id, input.name)) {
        throw new AppError('CONFLICT', `A host named "${input.name}" already exists`, 'name');
      }
      const id = newId();
      // Secrets stay in memory until the host has answered; only then are they written to the store.
      const staged = new MemorySecretStore();
      const trust = knownHosts.staged();
      const auth = storeAuth(id, input.connection, staged);
      const spec = specOf(input.connection, auth);
      const driver = createDriver(
        spec,
        { ...driverContext, secrets: staged, trust },
        input.acceptFingerprint,
      );
      try {
        await driver.connect();
        inTransaction(db, () => {
          if (hosts.idByName(project.id, input.name)) {
            throw new AppError('CONFLICT', `A host named "${input.name}" already exists`, 'name');
          }
          hosts.insert({ id, projectId: project.id, name: input.name, ...spec });
        });
      } catch (err) {
        driver.close();
        throw err;
      }
      staged.copyTo(secrets);
      trust.commit();
      drivers.put(id, driver);
      changed('hosts', project.id);
      try {
        await service.sync(id);
      } catch (err) {
        log(`first sync of ${input.name} failed: ${(err as Error).message}`);
      }
      return mustGet(id);
    },

    async update(input: ParsedInput<'hosts.update'>): Promise<HostSummary> {
      const current = hosts.getRecord(input.id);
      if (!current) throw new AppError('NOT_FOUND', `Host ${input.id} does not exist`, 'id');
      const name = input.name ?? current.name;
      const clash = hosts.idByName(current.projectId, name);
      if (clash && clash !== current.id)
        throw new AppError('CONFLICT', `A host named "${name}" already exists`, 'name');
      let next = { ...current, name };
      if (input.connection) {
        if (input.connection.kind !== current.kind) {
          throw new AppError(
            'VALIDATION',
            'The kind of a host cannot change; add it again as the other kind',
            'connection.kind',
          );
        }
        const staged = new MemorySecretStore();
        const trust = knownHosts.staged();
        const auth = storeAuth(current.id, input.connection, staged);
        const spec = specOf(input.connection, auth);
        const driver = createDriver(
          spec,
          { ...driverContext, secrets: staged, trust },
          input.acceptFingerprint,
        );
        try {
          await driver.connect();
        } finally {
          driver.close();
        }
        // Proven: replace the host's secrets with the new ones.
        forgetSecrets(current.id);
        staged.copyTo(secrets);
        trust.commit();
        next = { ...next, ...spec };
        dropDriver(current.id);
      }
      // The policy (a partial change, already checked by the contract) is stored with the rest, at once.
      const policy = input.policy && mergeHostPolicy(mustGet(current.id).policy, input.policy);
      inTransaction(db, () => {
        hosts.update(next);
        if (policy) hosts.setPolicy(current.id, policy);
      });
      changed('hosts', current.projectId);
      return mustGet(current.id);
    },

    /** Removes the host and its inventory rows. The host itself is never touched. */
    remove(id: string): { removed: true } {
      const host = mustGet(id);
      dropDriver(id);
      monitors.get(id)?.stop();
      inTransaction(db, () => {
        inventory.removeHostVms(id);
        hosts.remove(id);
      });
      forgetSecrets(id);
      if (host.kind === 'ssh' && host.address && host.port) {
        const others = hosts.list().some((h) => h.address === host.address && h.port === host.port);
        if (!others) knownHosts.forget(host.address, host.port);
      }
      changed('hosts', host.projectId);
      changed('vms', host.projectId);
      return { removed: true };
    },

    /** Opens the host's connection now (the command-line tool does this while it prepares a request). */
    async connect(id: string): Promise<{ connected: true }> {
      mustGet(id);
      const d = await driverFor(id);
      await d.connect();
      return { connected: true };
    },

    /** A full sync; concurrent calls for one host share the same run. */
    sync(id: string): Promise<HostSyncReport> {
      const running = syncing.get(id);
      if (running) return running;
      const p = doSync(id).finally(() => syncing.delete(id));
      syncing.set(id, p);
      return p;
    },

    /** Re-reads one domain after an event (or removes it when it was undefined). */
    refreshDomain(hostId: string, name: string): Promise<void> {
      return service.refresh(hostId, { domains: [name] });
    },

    /**
     * Re-reads what a change touched, in one round trip: domains by name (removed from the inventory when
     * they are gone), pools, and volumes. Cheaper than a full sync after a creation or a deletion; the
     * periodic sync still corrects anything else.
     */
    async refresh(hostId: string, what: ChangedParts): Promise<void> {
      (await service.read(hostId, what)).apply();
    },

    /** Volumes deleted on the host leave the inventory at once (their pools are refreshed separately). */
    forgetVolumes(hostId: string, paths: readonly string[]): void {
      if (closed || !paths.length) return;
      const host = mustGet(hostId);
      inventory.removeVolumes(hostId, paths);
      changed('hosts', host.projectId);
    },

    /**
     * The reading half of refresh(): one round trip to the host. The result parses what was read (prepare,
     * when the caller has time, e.g. while a VM starts) and writes it into the inventory (apply, which
     * prepares first if needed), for a caller that writes only once what it was doing has succeeded.
     */
    async read(hostId: string, what: ChangedParts): Promise<{ prepare(): void; apply(): void }> {
      const nothing = { prepare: () => undefined, apply: () => undefined };
      if (closed) return nothing;
      mustGet(hostId);
      const domains = what.domains ?? [];
      const pools = what.pools ?? [];
      const vols = what.volumes ?? [];
      const d = await driverFor(hostId);
      const r = await d.virshBatch([
        ...domains.flatMap((n) => [
          ['domuuid', n],
          ['domstate', n],
          ['dumpxml', n],
        ]),
        ...pools.map((p) => ['pool-dumpxml', p]),
        ...vols.map((v) => ['vol-dumpxml', '--pool', v.pool, v.name]),
      ]);
      let parsed: ReturnType<typeof parse> | null = null;
      const parse = () => {
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
      };
      const prepare = () => {
        parsed ??= parse();
        return parsed;
      };
      return { prepare, apply: () => write(prepare()) };
      function write({ gone, synced, poolRows, volumes }: ReturnType<typeof parse>) {
        // The app closed (the inventory is gone) or the host was removed meanwhile: nothing to write.
        const host = closed ? undefined : hosts.get(hostId);
        if (!host) return;
        const changedVms: { vmId: string; state: VmState }[] = [];
        inTransaction(db, () => {
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
        if (changedVms.length) changed('vms', host.projectId);
        if (poolRows.length || volumes.length) changed('hosts', host.projectId);
      }
    },

    /**
     * Forgets the trusted key of address:port, after the user confirmed that a changed key is expected
     * (the host was rebuilt). The next connection asks to trust the new key.
     */
    forgetKey(address: string, port: number): { forgotten: true } {
      knownHosts.forget(address, port);
      for (const h of hosts.list()) if (h.address === address && h.port === port) dropDriver(h.id);
      return { forgotten: true };
    },

    close(): void {
      closed = true;
      for (const m of monitors.values()) m.stop();
      drivers.close();
    },
  };

  /** Live state: lifecycle events where the stream works, polling where it does not, reconnect with backoff. */
  const monitors = new Map<string, { stop(): void }>();

  return { ...service, monitors, driverFor };
}

export type HostsService = ReturnType<typeof createHostsService>;
