/**
 * Creating VMs as durable tasks: validate → place (and reserve) → image → disks → seed → define → start →
 * ready → done. Every step is saved and pushed as it moves; whatever a step creates is recorded (before it
 * is created) so that a failure — or the next start after a crash — removes it again, in reverse order.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { AppError } from '../../shared/domain/errors';
import {
  CREATE_STEPS,
  CREATE_STEP_LABELS,
  type CreateVmRequest,
  type TaskError,
  type VmCreatePreview,
  type VmCreateStarted,
} from '../../shared/domain/provision';
import type { VmState } from '../../shared/domain/vm';
import { buildSeedIsoLocal, isoArgv, localToolSide, pickIsoTool, seedFiles, type ToolSide } from './seed-iso';
import type { Seed } from '../cloudinit/seed';
import type { HostDriver } from '../hosts/driver';
import { runLocal } from '../hosts/local-process';
import type { ImagesRepo, StoredImage } from '../inventory/images.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import type { AppEvents } from '../services/events';
import type { HostsService } from '../services/hosts';
import { ownerIsGone } from '../tasks/ownership';
import { toTaskError, type StepHandle, type TaskHandle, type TaskLog } from '../tasks/task-log';
import { createDeletions } from './delete';
import { HostOps, isAlreadyExists } from './host-ops';
import { planCreation, toXml, type PlanDeps, type VmPlan } from './plan';
import { fallbackSummary, kvmLimitationMessage } from '../virt/cpu-refusal';
import { describeCpuVariant, type CpuVariant } from '../../shared/domain/cpu';
import { startWithCpuFallback } from './cpu-start';
import { DEFAULT_LIFE_TIMEOUT_MS, hasLease, noSignOfLife } from './signs-of-life';

/** What rollback removes. Written to the task's step before the thing is created. */
export type UndoRecord =
  | { readonly type: 'vm'; readonly vmId: string; readonly name: string }
  | { readonly type: 'volume'; readonly hostId: string; readonly pool: string; readonly name: string }
  | { readonly type: 'domain'; readonly hostId: string; readonly uuid: string; readonly name: string };

export function describeUndo(r: UndoRecord): string {
  switch (r.type) {
    case 'vm':
      return `inventory entry of VM ${r.name}`;
    case 'volume':
      return `volume ${r.pool}/${r.name}`;
    case 'domain':
      return `domain ${r.name}`;
  }
}

export interface ProvisioningOptions {
  /** How long rollback keeps retrying a host that does not answer (sshd restarting, a network blip). */
  readonly rollbackRetryMs?: number;
  /** How often readiness is polled. */
  readonly readyPollMs?: number;
  /** Under KVM: how long a started guest may show no sign of life (agent, DHCP lease) before creation fails. */
  readonly lifeTimeoutMs?: number;
}

export interface ProvisioningDeps extends PlanDeps {
  readonly hostsService: HostsService;
  readonly vmsRepo: VmsRepo;
  readonly imagesRepo: ImagesRepo;
  readonly tasks: TaskLog;
  readonly events: AppEvents;
  readonly log: (msg: string) => void;
  readonly options?: ProvisioningOptions;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CHUNK = 32 * 1024 ** 2;

export function createProvisioning(deps: ProvisioningDeps) {
  const rollbackRetryMs = deps.options?.rollbackRetryMs ?? 120_000;
  const readyPollMs = deps.options?.readyPollMs ?? 2000;
  const lifeTimeoutMs = deps.options?.lifeTimeoutMs ?? DEFAULT_LIFE_TIMEOUT_MS;
  const running = new Set<Promise<void>>();
  let closed = false;

  const vmsChanged = (projectId: string) =>
    deps.events.emit('inventory.changed', { entity: 'vms', projectId });

  const opsFor = async (hostId: string): Promise<HostOps> => {
    const d = await deps.hostsService.driverFor(hostId);
    await d.connect();
    return new HostOps(d);
  };

  // ---- Undo ----

  async function undoOne(r: UndoRecord): Promise<void> {
    switch (r.type) {
      case 'vm': {
        const vm = deps.vmsRepo.get(r.vmId);
        if (vm && deps.vmsRepo.remove(r.vmId)) vmsChanged(vm.projectId);
        return;
      }
      case 'volume': {
        const ops = await opsFor(r.hostId);
        await ops.deleteVolume(r.pool, r.name);
        return;
      }
      case 'domain': {
        const ops = await opsFor(r.hostId);
        await ops.removeDomain(r.uuid);
        return;
      }
    }
  }

  /** Removes everything the task recorded, newest first; retries a host that does not answer for a while. */
  async function rollback(
    task: TaskHandle,
    failedSeq?: number,
  ): Promise<{ rolledBack: string[]; left: string[] }> {
    const records = task.undoRecords().reverse();
    const rolledBack: string[] = [];
    const left: string[] = [];
    const failedSteps = new Set<number>();
    for (const { seq, record } of records) {
      const r = record as UndoRecord;
      const deadline = Date.now() + rollbackRetryMs;
      let delay = 500;
      for (;;) {
        try {
          await undoOne(r);
          rolledBack.push(describeUndo(r));
          task.step(task.stepName(seq)).dropUndo((x) => JSON.stringify(x) === JSON.stringify(r));
          break;
        } catch (err) {
          const msg = (err as Error).message;
          if (Date.now() + delay > deadline || closed) {
            deps.log(`Rolling back ${describeUndo(r)} failed, giving up: ${msg}`);
            left.push(`${describeUndo(r)} (${msg})`);
            failedSteps.add(seq);
            break;
          }
          deps.log(`Rolling back ${describeUndo(r)} failed, retrying in ${delay} ms: ${msg}`);
          await sleep(delay);
          delay = Math.min(delay * 2, 8000);
        }
      }
    }
    const seqs = new Set(records.map((r) => r.seq));
    // The step that failed keeps showing that it failed; the ones before it show they were undone.
    for (const seq of seqs) if (!failedSteps.has(seq) && seq !== failedSeq) task.markRolledBack(seq);
    return { rolledBack, left };
  }

  function failure(err: unknown, rb: { rolledBack: string[]; left: string[] }): TaskError {
    const e = toTaskError(err);
    const message = rb.left.length
      ? `${e.message}. Cleanup incomplete, still on the host: ${rb.left.join('; ')}`
      : e.message;
    return { ...e, message, rolledBack: rb.rolledBack };
  }

  // ---- Steps ----

  /** The host remembers the CPU variant that started under KVM with the automatic choice. */
  function rememberCpu(plan: VmPlan, started: CpuVariant): void {
    if (plan.cpuExplicit || plan.domainType !== 'kvm') return;
    const host = deps.hosts.get(plan.hostId);
    if (!host || host.cpuMode === started) return;
    deps.hosts.setCpuMode(plan.hostId, started);
    deps.events.emit('inventory.changed', { entity: 'hosts', projectId: host.projectId });
  }

  /** Copies the boot image into the VM's pool on its host, in chunks, and checks the copy's SHA-256. */
  async function copyImage(
    image: StoredImage,
    target: HostOps,
    pool: string,
    step: StepHandle,
    hostId: string,
  ): Promise<string> {
    const existing = deps.imagesRepo.find(hostId, pool, image.name);
    if (existing && existing.virtualBytes === image.virtualBytes) {
      step.done(`Already in pool ${pool} on the host`);
      return existing.path;
    }
    if (await target.volumeExists(pool, image.name)) {
      throw new AppError(
        'CONFLICT',
        `Pool ${pool} already has a different volume named ${image.name}: rename one of them`,
        'boot.imageId',
      );
    }
    let total: number;
    let read: (offset: number, length: number) => Promise<Buffer>;
    let close = async () => undefined as void;
    if (image.hostId === null) {
      const fh = await open(image.path, 'r').catch((err: Error) => {
        throw new AppError('NOT_FOUND', `Cannot read ${image.path}: ${err.message}`, 'boot.imageId');
      });
      total = (await fh.stat()).size;
      read = async (offset, length) => {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await fh.read(buf, 0, length, offset);
        return buf.subarray(0, bytesRead);
      };
      close = () => fh.close();
    } else {
      const source = await opsFor(image.hostId);
      if (!image.pool) throw new AppError('NOT_FOUND', `Image ${image.name} has no pool`, 'boot.imageId');
      const sourcePool = image.pool;
      total = await source.physicalBytes(sourcePool, image.name);
      read = (offset, length) => source.downloadChunk(sourcePool, image.name, offset, length);
    }
    const hash = createHash('sha256');
    step.addUndo({ type: 'volume', hostId, pool, name: image.name } satisfies UndoRecord);
    try {
      await target.createVolume({ pool, name: image.name, capacityBytes: Math.max(total, 1), format: 'raw' });
    } catch (err) {
      if (isAlreadyExists(err)) step.dropUndo(() => true);
      await close();
      throw err;
    }
    try {
      let offset = 0;
      while (offset < total) {
        const chunk = await read(offset, Math.min(CHUNK, total - offset));
        if (chunk.length === 0) throw new AppError('HOST_ERROR', `The image ended early at ${offset} bytes`);
        hash.update(chunk);
        await target.uploadBytes(pool, image.name, chunk, undefined, offset);
        offset += chunk.length;
        step.progress(offset / total, `Uploaded ${offset} of ${total} bytes`);
      }
    } finally {
      await close();
    }
    await target.refreshPool(pool);
    const path = await target.volumePath(pool, image.name);
    const expected = hash.digest('hex');
    const actual = await target.sha256(path).catch(() => null);
    if (actual !== null && actual !== expected) {
      throw new AppError(
        'HOST_ERROR',
        `The uploaded image's SHA-256 does not match (${actual} ≠ ${expected})`,
      );
    }
    step.done(
      actual === null
        ? `Uploaded ${total} bytes (SHA-256 not checked: no shell on the host)`
        : `Uploaded ${total} bytes, SHA-256 ${expected.slice(0, 12)}… verified`,
    );
    return path;
  }

  /** Builds the seed ISO where a tool exists (the workstation first, then the host). */
  async function seedIso(seed: Seed, driver: HostDriver): Promise<{ bytes: Buffer } | { hostPath: string }> {
    const hostSide: ToolSide = {
      name: 'the host',
      has: async (tool) => {
        if (driver.kind !== 'ssh') return false;
        const r = await driver.exec(['sh', '-c', 'command -v "$0" >/dev/null', tool]).catch(() => null);
        return r?.code === 0;
      },
    };
    const { side, tool } = await pickIsoTool([localToolSide, hostSide]);
    if (side === localToolSide) return { bytes: await buildSeedIsoLocal(seed, { tool, run: runLocal }) };
    const dir = (await driver.exec(['mktemp', '-d'])).stdout.trim();
    if (!dir.startsWith('/'))
      throw new AppError('HOST_ERROR', 'Cannot make a temporary directory on the host');
    // The files in their own directory, the ISO beside it (never inside what is being packed).
    const files = `${dir}/cidata`;
    const mk = await driver.exec(['mkdir', '-m', '0700', '--', files]);
    if (mk.code !== 0) throw new AppError('HOST_ERROR', `Cannot make a temporary directory on the host`);
    for (const [name, content] of seedFiles(seed)) {
      const r = await driver.exec(['sh', '-c', 'cat > "$0"', `${files}/${name}`], { stdin: content });
      if (r.code !== 0)
        throw new AppError('HOST_ERROR', `Cannot write the seed on the host: ${r.stderr.trim()}`);
    }
    const out = `${dir}/seed.iso`;
    const r = await driver.exec(isoArgv(tool, out, files));
    if (r.code !== 0) throw new AppError('HOST_ERROR', `${tool} failed on the host: ${r.stderr.trim()}`);
    return { hostPath: out };
  }

  /** Removes the temporary directory of a seed built on the host (if that is where it was built). */
  async function dropHostSeed(driver: HostDriver, iso: { bytes: Buffer } | { hostPath: string } | null) {
    if (iso && 'hostPath' in iso)
      await driver.exec(['rm', '-rf', '--', iso.hostPath.replace(/\/seed\.iso$/, '')]).catch(() => undefined);
  }

  async function runCreate(plan: VmPlan, task: TaskHandle, request: CreateVmRequest, release: () => void) {
    let current: StepHandle | null = null;
    const begin = (name: (typeof CREATE_STEPS)[number], detail?: string) => {
      current = task.step(name);
      current.start(detail);
      return current;
    };
    let isoBuild: Promise<Awaited<ReturnType<typeof seedIso>> | null> = Promise.resolve(null);
    let driver: HostDriver | null = null;
    try {
      const unreachable = (err: Error) => {
        throw new AppError('HOST_ERROR', `Cannot reach host ${plan.hostName}: ${err.message}`);
      };
      driver = await deps.hostsService.driverFor(plan.hostId).catch(unreachable);
      // The seed ISO is built (on the workstation, or on the host) while the host is reached and the disks
      // are made. Awaited in the seed step, whose failure it is.
      if (plan.seed && plan.seedVolume) isoBuild = seedIso(plan.seed, driver);
      isoBuild.catch(() => undefined);
      await driver.connect().catch(unreachable);
      const ops = new HostOps(driver);

      // image
      let imagePath: string | null = plan.image?.path ?? null;
      const imageStep = begin('image');
      if (!plan.image) imageStep.skip('No boot image');
      else if (!plan.uploadImage) imageStep.done(`${plan.image.name} is on the host`);
      else imagePath = await copyImage(plan.image, ops, plan.pool, imageStep, plan.hostId);

      // disks: every new volume, then every disk's path, in one round trip
      const diskStep = begin('disks');
      const commands: string[][] = [];
      const created: string[] = [];
      for (const d of plan.disks) {
        if (d.kind === 'existing') continue;
        diskStep.addUndo({
          type: 'volume',
          hostId: plan.hostId,
          pool: d.pool,
          name: d.volume,
        } satisfies UndoRecord);
        const backing =
          d.backing && imagePath ? { path: imagePath, format: plan.image?.format ?? 'qcow2' } : undefined;
        commands.push(
          HostOps.createArgs({
            pool: d.pool,
            name: d.volume,
            capacityBytes: d.capacityBytes,
            format: d.format,
            thick: d.thick,
            backing,
          }),
        );
        created.push(d.volume);
      }
      const results = plan.disks.length
        ? await ops.batch([...commands, ...plan.disks.map((d) => ['vol-path', '--pool', d.pool, d.volume])])
        : [];
      const failed = results.slice(0, commands.length).flatMap((r, i) => (r.ok ? [] : [{ r, i }]));
      for (const { r, i } of failed) {
        // A volume that was there before is not ours: never remove it.
        if (isAlreadyExists(r.ok ? '' : r.error)) {
          diskStep.dropUndo(
            (u) => (u as UndoRecord).type === 'volume' && (u as { name: string }).name === created[i],
          );
        }
      }
      if (failed.length) {
        const { r, i } = failed[0]!;
        const disk = plan.disks.filter((d) => d.kind !== 'existing')[i]!;
        const error = r.ok ? '' : r.error;
        if (isAlreadyExists(error))
          throw new AppError(
            'CONFLICT',
            `Pool ${disk.pool} on ${plan.hostName} already has a volume ${disk.volume}`,
          );
        throw new AppError('HOST_ERROR', `Cannot create volume ${disk.volume}: ${error}`);
      }
      const diskPaths = results.slice(commands.length).map((r, k) => {
        if (!r.ok)
          throw new AppError('HOST_ERROR', `Cannot find volume ${plan.disks[k]!.volume}: ${r.error}`);
        return r.out.trim();
      });
      if (plan.disks.length === 0) diskStep.skip('No disks');
      else diskStep.done(created.length ? `Created ${created.join(', ')}` : 'Existing volumes');

      // seed: its volume (ours only if this creates it), then its bytes
      const seedStep = begin('seed');
      const iso = await isoBuild;
      let seedPath: string | null = null;
      if (!iso || !plan.seedVolume) seedStep.skip('No cloud-init');
      else {
        const size =
          'bytes' in iso
            ? iso.bytes.length
            : Number((await ops.driver.exec(['stat', '-c', '%s', iso.hostPath])).stdout.trim());
        seedStep.addUndo({
          type: 'volume',
          hostId: plan.hostId,
          pool: plan.pool,
          name: plan.seedVolume,
        } satisfies UndoRecord);
        const [made, where] = await ops.batch([
          HostOps.createArgs({ pool: plan.pool, name: plan.seedVolume, capacityBytes: size, format: 'raw' }),
          ['vol-path', '--pool', plan.pool, plan.seedVolume],
        ]);
        if (!made?.ok) {
          const error = made?.ok === false ? made.error : 'no answer';
          if (isAlreadyExists(error)) {
            seedStep.dropUndo((u) => (u as UndoRecord).type === 'volume');
            throw new AppError(
              'CONFLICT',
              `Pool ${plan.pool} on ${plan.hostName} already has a volume ${plan.seedVolume}`,
            );
          }
          throw new AppError('HOST_ERROR', `Cannot create volume ${plan.seedVolume}: ${error}`);
        }
        if (!where?.ok) throw new AppError('HOST_ERROR', `Cannot find volume ${plan.seedVolume}`);
        seedPath = where.out.trim();
        try {
          if ('bytes' in iso) await ops.uploadBytes(plan.pool, plan.seedVolume, iso.bytes);
          else await ops.uploadFromHost(plan.pool, plan.seedVolume, iso.hostPath);
        } finally {
          await dropHostSeed(driver, iso);
        }
        seedStep.done(`${plan.pool}/${plan.seedVolume}`);
      }

      // define
      const defineStep = begin('define');
      const installer = plan.domain.cdroms.find((c) => c.purpose === 'installer');
      const xmlFor = (cpuMode: CpuVariant) =>
        toXml({
          ...plan.domain,
          cpuMode,
          disks: plan.domain.disks.map((d, k) => ({ ...d, path: diskPaths[k]! })),
          cdroms: [
            ...(installer ? [{ path: imagePath, purpose: 'installer' as const }] : []),
            ...(seedPath ? [{ path: seedPath, purpose: 'seed' as const }] : []),
          ],
        });
      const xml = xmlFor(plan.cpuAttempts[0]!);
      defineStep.addUndo({
        type: 'domain',
        hostId: plan.hostId,
        uuid: plan.uuid,
        name: plan.name,
      } satisfies UndoRecord);
      await ops.define(xml);
      defineStep.done(`Domain ${plan.name} (${plan.uuid})`);

      // The new domain, its pools and its new volumes are read back for the inventory now (one round trip),
      // parsed while the VM starts, and written only when the VM is recorded.
      const readParts = () =>
        deps.hostsService.read(plan.hostId, {
          domains: [plan.name],
          pools: [...new Set([plan.pool, ...plan.disks.map((d) => d.pool)])],
          volumes: [
            ...plan.disks.filter((d) => d.kind !== 'existing').map((d) => ({ pool: d.pool, name: d.volume })),
            ...(seedPath && plan.seedVolume ? [{ pool: plan.pool, name: plan.seedVolume }] : []),
          ],
        });
      let readBack = await readParts().catch(() => null);

      // start
      const startStep = begin('start');
      if (request.start) {
        const starting = ops.start(plan.uuid);
        // After the start command is on its way (it is written in microtasks; this runs after them).
        setImmediate(() => {
          try {
            readBack?.prepare();
          } catch {
            // apply() meets the same error and leaves the inventory to the next sync
          }
        });
        const { started, refused } = await startWithCpuFallback(ops, {
          uuid: plan.uuid,
          hostName: plan.hostName,
          attempts: plan.cpuAttempts,
          explicit: plan.cpuExplicit,
          underKvm: plan.domainType === 'kvm',
          xmlFor,
          firstStart: starting,
          onRetry: (r, next) =>
            startStep.progress(
              0.5,
              `${describeCpuVariant(r.variant)} refused on this host (${r.reason}); trying ${describeCpuVariant(next)}`,
            ),
        });
        if (refused.length) readBack = await readParts().catch(() => null); // redefined: read it again
        rememberCpu(plan, started);
        startStep.done(refused.length ? fallbackSummary(refused, started) : 'Running');
      } else startStep.skip('Not requested');

      // ready
      const readyStep = begin('ready');
      const result: Record<string, unknown> = { vmId: plan.vmId, hostId: plan.hostId, name: plan.name };
      if (request.waitForReady && request.start) {
        const deadline = Date.now() + request.waitForReady.timeoutSeconds * 1000;
        // Under KVM a guest that shows no sign of life for a while will not: say so instead of waiting.
        const lifeStart = Date.now();
        const lifeDeadline = plan.domainType === 'kvm' ? lifeStart + lifeTimeoutMs : Infinity;
        let alive = false;
        let ips: string[] | null = null;
        while (Date.now() < deadline) {
          ips = await ops.agentAddresses(plan.uuid);
          if (ips && ips.length) break;
          alive ||=
            ips !== null || (Number.isFinite(lifeDeadline) && (await hasLease(ops.driver, plan.uuid)));
          // KVM that cannot emulate what the guest does pauses it ("KVM internal error"): no use waiting.
          if (!alive && Number.isFinite(lifeDeadline) && (await ops.domainState(plan.uuid)) === 'paused') {
            throw new AppError(
              'HOST_ERROR',
              kvmLimitationMessage(plan.hostName, 'KVM paused the guest: internal error'),
            );
          }
          if (!alive && Date.now() >= lifeDeadline) {
            throw new AppError(
              'HOST_ERROR',
              noSignOfLife(Math.round((Date.now() - lifeStart) / 1000), plan.hostName),
            );
          }
          readyStep.progress(
            0.2,
            alive ? 'The guest is booting; waiting for its agent' : 'Waiting for the guest agent',
          );
          await sleep(readyPollMs);
        }
        if (!ips?.length) {
          throw new AppError(
            'HOST_ERROR',
            `The guest agent did not report an address within ${request.waitForReady.timeoutSeconds} s`,
          );
        }
        result.ip = ips[0];
        result.addresses = ips;
        if (plan.seed) {
          let status: string | null = null;
          while (Date.now() < deadline) {
            const r = await ops.guestExec(plan.uuid, '/bin/sh', ['-c', 'cloud-init status 2>&1']);
            const m = r ? /status:\s*(\S+)/.exec(r.out) : null;
            status = m?.[1] ?? null;
            if (status === 'done' || status === 'error' || status === 'disabled') break;
            readyStep.progress(0.6, `Guest at ${ips[0]}; cloud-init ${status ?? 'not answering yet'}`);
            await sleep(readyPollMs);
          }
          if (status !== 'done' && status !== 'error' && status !== 'disabled') {
            throw new AppError(
              'HOST_ERROR',
              `cloud-init did not finish within ${request.waitForReady.timeoutSeconds} s`,
            );
          }
          result.cloudInit = status;
        }
        readyStep.done(
          `Address ${ips[0]}${result.cloudInit ? `, cloud-init ${String(result.cloudInit)}` : ''}`,
        );
      } else readyStep.skip('Not requested');

      // done
      const doneStep = begin('done');
      // The VM leaves "creating" in the state its last step left it, with what was read back (its devices and
      // MACs, its pools and volumes; a read that failed leaves that to the next sync).
      const state: VmState = request.start ? 'running' : 'shutoff';
      try {
        readBack?.apply();
      } catch (err) {
        deps.log(`Reading back ${plan.name} failed: ${(err as Error).message}; the next sync corrects it`);
      }
      deps.vmsRepo.setState(plan.vmId, state);
      release();
      doneStep.done(`VM ${plan.name} is ${state}`);
      result.state = state;
      task.succeed(result);
      deps.events.emit('vm.state', { vmId: plan.vmId, hostId: plan.hostId, state });
      vmsChanged(plan.projectId);
    } catch (err) {
      const step = current as StepHandle | null;
      // A seed built on the host for a creation that failed before the upload.
      if (driver) await dropHostSeed(driver, await isoBuild.catch(() => null));
      if (step) task.markFailed(step.seq, (err as Error).message);
      const rb = await rollback(task, step?.seq);
      release();
      task.fail(failure(err, rb));
      deps.log(`Creating ${plan.name} failed: ${(err as Error).message}`);
    }
  }

  function track(p: Promise<void>): void {
    running.add(p);
    void p.finally(() => running.delete(p));
  }

  const deletions = createDeletions({
    vms: deps.vmsRepo,
    images: deps.imagesRepo,
    hosts: deps.hosts,
    hostsService: deps.hostsService,
    events: deps.events,
    opsFor,
    track,
  });

  /** Fields are named as the channel's input names them (request.…), like zod's own errors. */
  const plan = (request: CreateVmRequest, reserve: boolean) => {
    try {
      return planCreation(deps, request, { reserve });
    } catch (err) {
      if (err instanceof AppError && err.field !== undefined && !err.field.startsWith('request.')) {
        throw new AppError(err.code, err.message, `request.${err.field}`);
      }
      throw err;
    }
  };

  const service = {
    preview(request: CreateVmRequest): VmCreatePreview {
      const plans = plan(request, false);
      return {
        items: plans.items.map((p) => ({
          name: p.name,
          hostId: p.hostId,
          hostName: p.hostName,
          hostname: p.seed?.hostname ?? null,
          domainXml: p.domainXml,
          userData: p.seed?.userData ?? null,
          metaData: p.seed?.metaData ?? null,
          networkConfig: p.seed?.networkConfig ?? null,
        })),
      };
    },

    /** Starts one task per VM and returns at once. */
    create(request: CreateVmRequest): VmCreateStarted {
      const plans = plan(request, true);
      const taskIds: string[] = [];
      try {
        for (const [i, plan] of plans.items.entries()) {
          const task = deps.tasks.start({
            projectId: plans.projectId,
            kind: 'vm.create',
            title: `Create VM ${plan.name}`,
            targetType: 'vm',
            targetId: plan.vmId,
            input: plans.storedRequest,
            steps: CREATE_STEPS,
          });
          taskIds.push(task.id);
          task.step('validate').done('Request valid');
          const place = task.step('place');
          place.addUndo({ type: 'vm', vmId: plan.vmId, name: plan.name } satisfies UndoRecord);
          deps.vmsRepo.insertCreating({
            id: plan.vmId,
            projectId: plan.projectId,
            folderId: plan.folderId,
            hostId: plan.hostId,
            uuid: plan.uuid,
            name: plan.name,
            vcpus: plan.vcpus,
            memoryBytes: plan.memoryBytes,
            labels: plan.labels,
            request: plans.storedRequest,
          });
          const ticket = plans.reservation?.tickets[i];
          if (ticket) deps.reservations.attachTask(ticket.id, task.id);
          place.done(`Host ${plan.hostName}`);
          let released = false;
          const release = () => {
            if (released) return;
            released = true;
            if (ticket) deps.reservations.release(ticket.id);
          };
          track(runCreate(plan, task, request, release));
        }
      } catch (err) {
        plans.reservation?.release();
        throw err;
      }
      vmsChanged(plans.projectId);
      return { taskIds, vmIds: plans.items.map((p) => p.vmId) };
    },

    /**
     * Tasks left unfinished by a process that is gone (killed, crashed, the machine rebooted): roll back what
     * they created and mark them failed as interrupted.
     */
    async reconcile(): Promise<number> {
      let n = 0;
      for (const row of deps.tasks.unfinishedRows()) {
        if (closed) break;
        if (!ownerIsGone(row, deps.tasks.owner)) continue;
        const task = deps.tasks.adopt(row);
        if (!task) continue;
        n++;
        const rb = await rollback(task);
        task.fail(
          failure(
            new AppError(
              'HOST_ERROR',
              'Interrupted: the app stopped while this task ran; what it created was removed',
            ),
            rb,
          ),
          { interrupted: true },
        );
        // What the dead process had booked for it is free again.
        deps.reservations.releaseForTask(task.id);
      }
      return n;
    },

    /** Copies a workstation file or another host's image into a pool, as a task with progress. */
    upload(input: {
      projectId?: string;
      hostId: string;
      pool: string;
      sourcePath?: string;
      sourceImageId?: string;
      name?: string;
    }): { taskId: string } {
      const projectId = deps.projects.resolve(input.projectId).id;
      const host = deps.hosts.get(input.hostId);
      if (!host || host.projectId !== projectId)
        throw new AppError('NOT_FOUND', 'The host does not exist', 'hostId');
      if (!deps.hostInventory.pools(host.id).some((p) => p.name === input.pool)) {
        throw new AppError('VALIDATION', `Host ${host.name} has no pool ${input.pool}`, 'pool');
      }
      let source: StoredImage;
      if (input.sourceImageId !== undefined) {
        const img = deps.imagesRepo.get(input.sourceImageId);
        if (!img || (img.hostId !== null && deps.hosts.get(img.hostId)?.projectId !== projectId)) {
          throw new AppError('NOT_FOUND', 'The source image does not exist', 'sourceImageId');
        }
        source = { ...img, name: input.name ?? img.name };
      } else {
        const path = input.sourcePath!;
        if (!path.startsWith('/')) throw new AppError('VALIDATION', 'Give an absolute path', 'sourcePath');
        const name = input.name ?? path.slice(path.lastIndexOf('/') + 1);
        if (!/^[A-Za-z0-9][A-Za-z0-9._+-]{0,254}$/.test(name)) {
          throw new AppError('VALIDATION', `"${name}" is not a valid volume name: give one`, 'name');
        }
        source = {
          id: '',
          hostId: null,
          hostName: null,
          pool: null,
          name,
          path,
          kind: name.endsWith('.iso') ? 'iso' : 'cloud-image',
          format: null,
          virtualBytes: null,
          allocationBytes: null,
          backingPath: null,
          usedBy: 0,
          attached: false,
          poolPath: null,
          poolType: null,
        };
      }
      const task = deps.tasks.start({
        projectId,
        kind: 'image.upload',
        title: `Upload ${source.name} to ${host.name}`,
        targetType: 'host',
        targetId: host.id,
        input: { ...input },
        steps: ['upload', 'done'],
      });
      track(
        (async () => {
          const step = task.step('upload');
          step.start(`From ${source.hostName ?? 'the workstation'}`);
          try {
            const ops = await opsFor(host.id);
            if (await ops.volumeExists(input.pool, source.name)) {
              throw new AppError(
                'CONFLICT',
                `Pool ${input.pool} already has a volume ${source.name}`,
                'name',
              );
            }
            await copyImage({ ...source, virtualBytes: -1 }, ops, input.pool, step, host.id);
            await deps.hostsService.sync(host.id).catch(() => undefined);
            task.step('done').done();
            task.succeed({ hostId: host.id, pool: input.pool, name: source.name });
            deps.events.emit('inventory.changed', { entity: 'images', projectId });
          } catch (err) {
            task.markFailed(0, (err as Error).message);
            const rb = await rollback(task, 0);
            task.fail(failure(err, rb));
          }
        })(),
      );
      return { taskId: task.id };
    },

    deleteImage: (id: string) => deletions.deleteImage(id),
    deleteVm: (vmId: string, deleteDisks: boolean) => deletions.deleteVm(vmId, deleteDisks),

    /** Waits for every task this process runs (the CLI before it exits; tests). */
    async drain(): Promise<void> {
      while (running.size) await Promise.allSettled([...running]);
    },

    close(): void {
      closed = true;
    },
  };
  return service;
}

export type Provisioning = ReturnType<typeof createProvisioning>;
export { CREATE_STEP_LABELS };
