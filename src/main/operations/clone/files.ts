/**
 * The files step (NVRAM and TPM state, copied on the host, each with its undo record first) and the seed step
 * (a fresh cloud-init seed in a new volume, when the source has ours; the ISO itself is built from the check
 * step on, beside the disks).
 */
import { AppError } from '../../../shared/domain/errors';
import { cloneSeed } from '../../cloudinit/clone-seed';
import type { StepHandle } from '../../tasks/task-log';
import { buildSeedIso, dropHostSeed } from '../create/seed';
import type { HostOps } from '../host-ops';
import { newVolume } from './host-volumes';
import {
  crossHost,
  onHost,
  planOf,
  type CloneCtx,
  type CloneDeps,
  type CloneUndo,
  type SeedReady,
} from './context';

async function refuseExisting(ops: HostOps, path: string): Promise<void> {
  if ((await ops.driver.exec(['test', '-e', path])).code === 0) {
    throw new AppError('CONFLICT', `${path} exists already on the host`, 'name');
  }
}

/**
 * A file or directory of the source's host written on another host, through the workstation: its bytes
 * (a directory as a tar archive, owners and modes kept) travel base64-encoded in one command each way.
 */
async function copyAcross(from: HostOps, to: HostOps, src: string, dest: string, dir: boolean) {
  const read = dir ? ['sh', '-c', 'tar -C "$0" -czf - . | base64 -w0', src] : ['base64', '-w0', '--', src];
  const bytes = await onHost(from, read, `Cannot read ${src}`, 10 * 60_000);
  const write = dir
    ? [
        'sh',
        '-c',
        'mkdir -p -- "${0%/*}" && mkdir -m 0700 -- "$0" && base64 -d | tar -C "$0" -xzpf - --same-owner',
        dest,
      ]
    : ['sh', '-c', 'mkdir -p -- "${0%/*}" && umask 077 && base64 -d >"$0"', dest];
  const r = await to.driver.exec(write, { stdin: bytes.trim(), timeoutMs: 10 * 60_000 });
  if (r.code !== 0)
    throw new AppError('HOST_ERROR', `Cannot write ${dest}: ${(r.stderr || r.stdout).trim()}`);
}

export async function filesStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>) {
  const plan = planOf(ctx);
  const srcOps = await deps.opsFor(ctx.source.hostId);
  const ops = await deps.opsFor(plan.hostId);
  const across = crossHost(ctx);
  const copied: string[] = [];
  const copy = async (from: string, to: string, dir: boolean) => {
    await refuseExisting(ops, to);
    step.addUndo({ type: 'path', hostId: plan.hostId, path: to });
    if (across) await copyAcross(srcOps, ops, from, to, dir);
    else {
      const argv = dir ? ['cp', '-a'] : ['cp', '--sparse=always', '-p'];
      await onHost(ops, [...argv, '--', from, to], `Cannot copy ${from}`, 10 * 60_000);
    }
    copied.push(to);
  };
  const fromNvram = plan.facts.nvram;
  if (fromNvram && plan.nvram) {
    // Before the first start the source may have no NVRAM file yet: libvirt makes the clone's from the template.
    if ((await srcOps.driver.exec(['test', '-f', fromNvram])).code === 0) {
      await copy(fromNvram, plan.nvram, false);
    }
  }
  if (plan.tpmFrom) await copy(plan.tpmFrom, plan.tpmFrom.replace(/[^/]*$/, plan.uuid), true);
  if (!copied.length) return step.skip('No NVRAM or TPM state to copy');
  step.done(copied.join(', '));
}

/**
 * The seed ISO ready for its upload: built on the workstation (or on the host, where the workstation has
 * no ISO tool); for an SSH host written there at once, so that its upload is one command in the host's virsh
 * session instead of a virsh process of its own reading it on stdin.
 */
async function readySeed(ops: HostOps, name: string, uuid: string): Promise<SeedReady> {
  const iso = await buildSeedIso(cloneSeed(name, uuid), ops.driver);
  if (!('bytes' in iso)) return { iso, size: null };
  if (ops.driver.kind !== 'ssh') return { iso, size: iso.bytes.length };
  return { iso: { hostPath: await ops.stageOnHost(iso.bytes, 'seed.iso') }, size: iso.bytes.length };
}

/**
 * Starts making the clone's seed ISO ready, once: it depends on the clone's name and UUID only, so it is
 * made while the check and the disks run.
 */
export async function startSeed(deps: CloneDeps, ctx: CloneCtx): Promise<void> {
  if (ctx.seedIso) return;
  const ops = await deps.opsFor(ctx.job.hostId);
  if (ctx.seedIso) return;
  const built = readySeed(ops, ctx.job.name, ctx.job.uuid);
  // Its failure is the seed step's to report (or nobody's, when the task ends before it).
  built.catch(() => undefined);
  ctx.seedIso = { built, driver: ops.driver, taken: false };
}

/** Removes what was written on the host for a seed the task did not get to use (it ended before its seed step). */
export async function dropUnusedSeed(ctx: CloneCtx): Promise<void> {
  const s = ctx.seedIso;
  if (!s || s.taken) return;
  s.taken = true;
  await s.built.then(
    (r) => dropHostSeed(s.driver, r.iso),
    () => undefined,
  );
}

export async function seedStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>) {
  const plan = planOf(ctx);
  if (!plan.facts.disks.some((d) => d.seed)) return step.skip('The source has no cloud-init seed of ours');
  const ops = await deps.opsFor(plan.hostId);
  await startSeed(deps, ctx);
  const build = ctx.seedIso!;
  build.taken = true;
  const { iso, size: known } = await build.built;
  const volume = `${ctx.job.name}-cidata.iso`;
  try {
    const size =
      known ??
      ('bytes' in iso
        ? iso.bytes.length
        : Number((await ops.driver.exec(['stat', '-c', '%s', '--', iso.hostPath])).stdout.trim()));
    // Refused when the pool has a volume of its name (libvirt's own refusal, undo record dropped).
    const at = { hostId: plan.hostId, pool: plan.pool, name: volume, bytes: size, format: 'raw' as const };
    ctx.seedPath = await newVolume(ops, at, step);
    if ('bytes' in iso) await ops.uploadBytes(plan.pool, volume, iso.bytes);
    else await ops.uploadFromHost(plan.pool, volume, iso.hostPath);
  } finally {
    // Not waited for: the step is done once the volume is filled (the app's drain waits for it).
    deps.engine.track(dropHostSeed(build.driver, iso));
  }
  step.done(`${plan.pool}/${volume}: instance-id ${plan.uuid}`);
}
