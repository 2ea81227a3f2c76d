/**
 * `qhci vm create`: the wizard's request from flags (or from a CreateVmRequest JSON file that flags
 * override), names resolved to ids, then vms.create and every task followed to its end.
 */
import { readFileSync } from 'node:fs';
import { AppError } from '../../shared/domain/errors';
import type {
  CreateVmRequestInput,
  ImageSummary,
  Task,
  VmCreatePreview,
} from '../../shared/domain/provision';
import { parseCount, parseDisk, parseLabels, parseNic, parseSize } from '../args';
import { print, readStdin, type Ctx } from '../context';
import { followTasks, ProgressView } from '../follow';
import type { Opts } from '../options';
import type { Accelerator } from '../../shared/domain/cpu';
import { resolveFolder, resolveHost, resolveImage, resolveSpec } from '../resolve';

export const CREATE_USAGE = `  vm create NAME [options]              create VMs as the wizard does; follows the tasks to the end
      --folder PATH|ID  --host NAME|ID (manual placement)  --strategy spread|pack|balance  --count N
      --sockets N  --cores N  --memory SIZE (e.g. 2G; K/M/G/T are binary)
      --cpu auto|host-passthrough|host-model|default|MODEL   (auto: falls back to a mode the host runs)
      --accel auto|kvm|tcg               (auto: the host's policy)
      --disk SIZE[:POOL][:thick]  or  --disk existing:POOL/VOLUME    (repeatable; SIZE "auto" for
                                         a cloud image's boot disk: the image's size)
      --network NET[:MODEL]              (repeatable; MODEL virtio, e1000e or rtl8139)
      --cloud-image NAME|ID | --iso NAME|ID   (neither: blank disks)   --profile debian|ubuntu|…
      --firmware auto|bios|uefi          (auto: the profile's; windows-11 needs uefi)
      --spec NAME|ID  --hostname TEMPLATE  --timezone TZ  --user NAME  --ssh-key-file FILE (repeatable)
      --password-stdin  --install-agent  --user-data FILE [--raw-user-data]  --network-config FILE
      --no-start  --wait-ready [SECONDS]  --label KEY=VALUE (repeatable)  --description TEXT
      --dry-run                          print the domain XML and cloud-init documents; create nothing
      --from REQUEST.json                a CreateVmRequest; flags given too override it`;

type Input = CreateVmRequestInput;
type Custom = NonNullable<Input['customization']>;

function readFlagFile(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new AppError('VALIDATION', `${flag}: cannot read ${path}: ${(err as Error).message}`, flag);
  }
}

function readRequestFile(path: string): Partial<Input> {
  const text = readFlagFile(path, '--from');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AppError('VALIDATION', `--from: ${path} is not JSON: ${(err as Error).message}`, 'from');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AppError('VALIDATION', `--from: ${path} is not a CreateVmRequest object`, 'from');
  }
  // `{ "request": {...} }` as vms.create takes it is fine too.
  const v = value as Record<string, unknown>;
  return (typeof v.request === 'object' && v.request !== null ? v.request : v) as Partial<Input>;
}

/** The request and the boot image (for the placement dry run), from flags over an optional file. */
export async function buildCreateRequest(
  ctx: Ctx,
  name: string | undefined,
  o: Opts,
): Promise<{ request: Input; image: ImageSummary | null }> {
  const base = o.from ? readRequestFile(o.from) : {};
  const requestName = name ?? base.name;
  if (requestName === undefined) {
    throw new AppError('VALIDATION', 'vm create needs a NAME (or --from with a name)', 'name');
  }
  if (o['cloud-image'] && o.iso) {
    throw new AppError('VALIDATION', 'Give --cloud-image or --iso, not both', 'boot');
  }

  const placement = { ...(base.placement ?? {}) };
  const host = o.host ? await resolveHost(ctx, o.host) : undefined;
  if (host) placement.hostId = host.id;
  // The task's first need is the host's connection: open it while the rest of the request is prepared
  // (not awaited; the task reports a host that cannot be reached).
  if (host && !o['dry-run']) void ctx.client.call('hosts.connect', { id: host.id }).catch(() => undefined);
  if (o.strategy) placement.strategy = o.strategy as 'spread';

  let image: ImageSummary | null = null;
  let boot = base.boot;
  if (o['cloud-image']) {
    image = await resolveImage(ctx, o['cloud-image'], 'cloud-image', placement.hostId);
    boot = { kind: 'cloud-image', imageId: image.id };
  } else if (o.iso) {
    image = await resolveImage(ctx, o.iso, 'iso', placement.hostId);
    boot = { kind: 'iso', imageId: image.id };
  }

  const compute = {
    sockets: parseCount(o.sockets, '--sockets') ?? base.compute?.sockets ?? 1,
    cores: parseCount(o.cores, '--cores') ?? base.compute?.cores ?? 1,
    memoryBytes: o.memory ? parseSize(o.memory, '--memory') : (base.compute?.memoryBytes ?? 1024 ** 3),
    ...((o.cpu ?? base.compute?.cpuMode) !== undefined ? { cpuMode: o.cpu ?? base.compute?.cpuMode } : {}),
    ...((o.accel ?? base.compute?.accelerator) !== undefined
      ? { accelerator: (o.accel ?? base.compute?.accelerator) as Accelerator }
      : {}),
  };
  let disks = o.disk?.length ? o.disk.map(parseDisk) : base.disks;
  // A cloud image needs a boot disk: by default, an overlay at the image's own size.
  if (!disks?.length && boot?.kind === 'cloud-image') disks = [{ kind: 'new' }];
  const nics = o.network?.length ? o.network.map(parseNic) : base.nics;

  const custom: Custom = { ...(base.customization ?? {}) };
  if (o.spec) custom.specId = (await resolveSpec(ctx, o.spec)).id;
  if (o.hostname !== undefined) custom.hostname = o.hostname;
  if (o.timezone !== undefined) custom.timezone = o.timezone;
  if (o.user !== undefined) custom.user = o.user;
  if (o['ssh-key-file']?.length) {
    custom.sshKeys = o['ssh-key-file'].flatMap((f) =>
      readFlagFile(f, '--ssh-key-file')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#')),
    );
  }
  if (o['password-stdin']) custom.password = await readStdin();
  if (o['install-agent']) custom.installAgent = true;
  if (o['user-data'] !== undefined) custom.userData = readFlagFile(o['user-data'], '--user-data');
  if (o['raw-user-data']) custom.userDataMode = 'raw';
  if (o['network-config'] !== undefined) {
    custom.networkConfig = readFlagFile(o['network-config'], '--network-config');
  }

  const labels = parseLabels(o.label);
  const waitReady = o['wait-ready'];
  const request: Input = {
    ...base,
    projectId: ctx.projectId !== 'default' || base.projectId === undefined ? ctx.projectId : base.projectId,
    name: requestName,
    compute,
    placement,
    ...(o.folder ? { folderId: (await resolveFolder(ctx, o.folder)).id } : {}),
    ...(o.count !== undefined ? { count: parseCount(o.count, '--count') } : {}),
    ...(disks ? { disks } : {}),
    ...(nics ? { nics } : {}),
    ...(boot ? { boot } : {}),
    ...(o.profile ? { profile: o.profile as 'debian' } : {}),
    ...(o.firmware ? { firmware: o.firmware as 'auto' } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(labels ? { labels: { ...(base.labels ?? {}), ...labels } } : {}),
    ...(o['no-start'] ? { start: false } : {}),
    ...(waitReady !== undefined
      ? {
          waitForReady: waitReady === '' ? {} : { timeoutSeconds: parseCount(waitReady, '--wait-ready')! },
        }
      : {}),
    ...(Object.keys(custom).length ? { customization: custom } : {}),
  };
  if (!image && boot && boot.kind !== 'none') {
    image =
      (await ctx.client.call('images.list', { projectId: ctx.projectId })).find(
        (i) => i.id === boot.imageId,
      ) ?? null;
  }
  return { request, image };
}

function previewText(p: VmCreatePreview): string {
  return p.items
    .map((i) =>
      [
        `# ${i.name} on ${i.hostName}${i.hostname ? ` (hostname ${i.hostname})` : ''}`,
        '',
        '## Domain XML',
        i.domainXml.trimEnd(),
        ...(i.userData ? ['', '## user-data', i.userData.trimEnd()] : []),
        ...(i.metaData ? ['', '## meta-data', i.metaData.trimEnd()] : []),
        ...(i.networkConfig ? ['', '## network-config', i.networkConfig.trimEnd()] : []),
      ].join('\n'),
    )
    .join('\n\n');
}

/** One line per finished task: what was made, or why not and what was removed again. */
export function outcomeText(t: Task, hostNames: ReadonlyMap<string, string>): string {
  const r = (t.result ?? {}) as Record<string, unknown>;
  if (t.state === 'succeeded') {
    const host = hostNames.get(String(r.hostId)) ?? String(r.hostId ?? '-');
    if (t.kind === 'vm.create') {
      return `Created ${String(r.name)} on ${host}: ${String(r.state ?? 'defined')}${r.ip ? `, address ${String(r.ip)}` : ''}`;
    }
    return `${t.title}: done`;
  }
  const e = t.error;
  return [
    `${t.title} ${t.state}${t.interrupted ? ' (interrupted)' : ''}: ${e?.message ?? 'no error recorded'}${e?.field ? ` (${e.field})` : ''}`,
    ...(e?.rolledBack?.length ? [`  rolled back: ${e.rolledBack.join(', ')}`] : []),
  ].join('\n');
}

export async function vmCreate(ctx: Ctx, name: string | undefined, o: Opts): Promise<number> {
  const { request } = await buildCreateRequest(ctx, name, o);
  if (o['dry-run']) {
    const p = await ctx.client.call('vms.preview', { request });
    print(ctx, p, () => previewText(p));
    return 0;
  }
  const started = await ctx.client.call('vms.create', { request });
  // The inventory refresh a creation ends with (its domain, pools and new volumes) is awaited when the
  // process closes the app (drain), before it exits.
  const tasks = await followTasks(ctx, started.taskIds, new ProgressView());
  const hosts = new Map(
    (await ctx.client.call('hosts.list', { projectId: ctx.projectId })).map((h) => [h.id, h.name]),
  );
  const failed = tasks.filter((t) => t.state !== 'succeeded');
  if (ctx.json) console.log(JSON.stringify(tasks, null, 2));
  else for (const t of tasks.filter((x) => x.state === 'succeeded')) console.log(outcomeText(t, hosts));
  for (const t of failed) console.error(`qhci: ${outcomeText(t, hosts)}`);
  return failed.length ? 1 : 0;
}
