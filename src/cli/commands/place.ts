/** `qhci place`: the scheduler's dry run for the sizing flags of `vm create`, with every host explained. */
import { AppError } from '../../shared/domain/errors';
import { GUEST_PROFILES, type GuestProfileId } from '../../shared/domain/guest-profiles';
import { needsKvm, type Accelerator } from '../../shared/domain/cpu';
import { effectiveFirmware, type FirmwareChoice } from '../../shared/domain/firmware';
import type { HostEvaluation, PlacementOutcome, PlacementRequestInput } from '../../shared/domain/placement';
import type { ImageSummary } from '../../shared/domain/provision';
import { fmtFree, parseCount, parseDisk, parseNic, parseSize } from '../args';
import { table, type Ctx } from '../context';
import type { Opts } from '../options';
import { resolveHost, resolveImage } from '../resolve';

export const PLACE_USAGE = `Placement
  place [--explain] [--sockets N] [--cores N] [--memory SIZE] [--disk SIZE[:POOL][:thick]]...
        [--network NET] [--cloud-image NAME|ID | --iso NAME|ID] [--profile ID] [--count N]
        [--firmware auto|bios|uefi] [--cpu MODE] [--accel auto|kvm|tcg]
        [--host NAME|ID] [--strategy spread|pack|balance]
                                         where VMs of that size would go now; --explain: every host,
                                         its reasons and score breakdown (exit 1 when none fits)`;

/** The scheduler's request for the sizing flags, as creation derives it from a create request. */
export async function placementRequest(ctx: Ctx, o: Opts): Promise<PlacementRequestInput> {
  const host = o.host ? await resolveHost(ctx, o.host) : undefined;
  let image: ImageSummary | null = null;
  if (o['cloud-image']) image = await resolveImage(ctx, o['cloud-image'], 'cloud-image', host?.id);
  else if (o.iso) image = await resolveImage(ctx, o.iso, 'iso', host?.id);
  const cloud = image !== null && image.kind !== 'iso';
  const specs = o.disk?.length ? o.disk.map(parseDisk) : cloud ? [parseDisk('auto')] : [];
  const disks = specs.flatMap((d, i) => {
    if (d.kind !== 'new') return [];
    const boot = i === 0 && cloud;
    const size = d.sizeBytes ?? (boot ? image?.virtualBytes : undefined);
    if (size === undefined || size === null) {
      throw new AppError('VALIDATION', `--disk ${i + 1}: give a size`, `disks.${i}.sizeBytes`);
    }
    return [{ sizeBytes: size, thin: boot ? true : d.thin, ...(d.pool ? { pool: d.pool } : {}) }];
  });
  const profile = o.profile ? GUEST_PROFILES[o.profile as GuestProfileId] : undefined;
  if (o.profile && !profile) throw new AppError('VALIDATION', `Unknown guest OS profile "${o.profile}"`);
  const sockets = parseCount(o.sockets, '--sockets') ?? 1;
  const cores = parseCount(o.cores, '--cores') ?? 1;
  return {
    vcpus: sockets * cores,
    memoryBytes: o.memory ? parseSize(o.memory, '--memory') : 1024 ** 3,
    disks,
    ...(o.network?.length ? { network: parseNic(o.network[0]!).network } : {}),
    ...(image
      ? { bootImage: { name: image.name, path: image.path, sizeBytes: image.allocationBytes ?? 0 } }
      : {}),
    ...(profile || o.firmware
      ? {
          firmware: {
            uefi:
              (profile
                ? effectiveFirmware(profile, (o.firmware ?? 'auto') as FirmwareChoice)
                : o.firmware) === 'uefi',
            tpm: profile?.tpm ?? false,
          },
        }
      : {}),
    ...(o.cpu || o.accel
      ? { requireKvm: needsKvm(o.cpu ?? 'auto', (o.accel ?? 'auto') as Accelerator) }
      : {}),
    ...(o.count !== undefined ? { count: parseCount(o.count, '--count') } : {}),
    ...(o.strategy ? { strategy: o.strategy as 'spread' } : {}),
    ...(host ? { manualHost: host.id } : {}),
  };
}

const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

export function explainText(outcome: PlacementOutcome): string {
  const rows: readonly HostEvaluation[] = outcome.ok ? outcome.result.table : outcome.failure.table;
  const chosen = new Set(outcome.ok ? outcome.result.chosen : outcome.failure.placed);
  const mark = chosen.size > 0;
  const body = table(
    [
      ...(mark ? [''] : []),
      'HOST',
      'FEASIBLE',
      'FREE VCPUS',
      'FREE MEMORY',
      'SCORE',
      'STRATEGY',
      'POOLS',
      'IMAGE',
      'KVM',
      'VMS',
    ],
    rows.map((h) => [
      ...(mark ? [chosen.has(h.hostId) ? '*' : ''] : []),
      h.hostName,
      h.feasible ? 'yes' : 'no',
      fmtFree(h.free.vcpus, 'count'),
      fmtFree(h.free.memoryBytes, 'bytes'),
      h.feasible ? num(h.scores.total) : '-',
      `${num(h.scores.strategy)} (${h.scores.strategyName})`,
      num(h.scores.poolAffinity),
      num(h.scores.imagePresent),
      num(h.scores.accelerator),
      String(h.placed),
    ]),
  );
  const reasons = rows
    .filter((h) => h.reasons.length)
    .map((h) => `  ${h.hostName}:\n${h.reasons.map((r) => `    - ${r}`).join('\n')}`);
  const head = outcome.ok
    ? `Placed on ${[...new Set(outcome.result.placements.map((p) => p.hostName))].join(', ')} (* chosen)`
    : outcome.failure.message;
  return [head, '', body, ...(reasons.length ? ['', 'Why not:', ...reasons] : [])].join('\n');
}

export async function placeCommand(ctx: Ctx, o: Opts): Promise<number> {
  const request = await placementRequest(ctx, o);
  const outcome = await ctx.client.call('scheduler.place', { projectId: ctx.projectId, request });
  if (ctx.json) {
    console.log(JSON.stringify(outcome, null, 2));
  } else if (o.explain || !outcome.ok) {
    console.log(explainText(outcome));
  } else {
    const counts = new Map<string, number>();
    for (const p of outcome.result.placements) counts.set(p.hostName, (counts.get(p.hostName) ?? 0) + 1);
    console.log([...counts].map(([h, n]) => (n > 1 ? `${h} (${n} VMs)` : h)).join('\n'));
  }
  if (!outcome.ok) console.error(`qhci: ${outcome.failure.message}`);
  return outcome.ok ? 0 : 1;
}
