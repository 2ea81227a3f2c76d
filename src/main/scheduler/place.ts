import {
  PLACEMENT_MESSAGES,
  type HostEvaluation,
  type PlacementFailure,
  type PlacementOutcome,
  type PlacementRequest,
  type PlacementResult,
  type Reservation,
  type VmPlacement,
} from '../../shared/domain/placement';
import { diskPools, makeCandidate, makeContext, type Candidate, type PlacementContext } from './context';
import { PlacementError } from './errors';
import { plural } from './format';
import {
  addLoad,
  isPrepared,
  loadsOf,
  NO_LOAD,
  prepare,
  resolveOptions,
  type PlacementOptions,
  type SnapshotInput,
} from './model';
import { PREDICATES, type Predicate } from './predicates';
import { scoreHost } from './scores';

/** A row of the table, filled in while placing (placed is counted at the end). */
type Row = { -readonly [K in keyof HostEvaluation]: HostEvaluation[K] };

const NONE: readonly string[] = Object.freeze([]);
/** The predicates, bound here once: the loop over hosts reads them thousands of times per placement. */
const CHECKS: readonly Predicate[] = PREDICATES;
/** For each predicate, the one-name list that the hosts failing only it share. */
const ALONE: readonly (readonly string[])[] = PREDICATES.map((p) => Object.freeze([p.name]));

/** Runs every predicate (no short cut: the table lists every failing one) and every score. */
export function judge(ctx: PlacementContext, c: Candidate): HostEvaluation {
  // Most refused hosts fail one predicate: they share its (frozen) reasons and a one-name list.
  let reasons: readonly string[] | null = null;
  let failed: readonly string[] | null = null;
  for (let i = 0; i < CHECKS.length; i++) {
    const r = CHECKS[i]!.check(ctx, c);
    if (r === null) continue;
    reasons = reasons === null ? r : reasons.concat(r);
    failed = failed === null ? ALONE[i]! : failed.concat(CHECKS[i]!.name);
  }
  return {
    hostId: c.view.id,
    hostName: c.view.name,
    feasible: reasons === null,
    reasons: reasons ?? NONE,
    failed: failed ?? NONE,
    scores: scoreHost(ctx, c),
    free: c.free,
    placed: 0,
  };
}

/**
 * Higher total first. The rows come in the prepared snapshot's order, which is by host name, then id: the
 * tie-break. So "best" is simply the first highest total, and sorting by total alone (a stable sort) keeps
 * ties in name order.
 */
function byTotal(a: HostEvaluation, b: HostEvaluation): number {
  const x = a.scores.total;
  const y = b.scores.total;
  return x > y ? -1 : x < y ? 1 : 0;
}

function toTable(rows: readonly HostEvaluation[], placed: readonly number[]): HostEvaluation[] {
  for (let j = 0; j < rows.length; j++) (rows[j] as Row).placed = placed[j] ?? 0;
  const feasible = rows.filter((r) => r.feasible).sort(byTotal);
  return feasible.concat(rows.filter((r) => !r.feasible));
}

function toPlacement(ctx: PlacementContext, c: Candidate): VmPlacement {
  const poolBytes: Record<string, number> = {};
  for (const n of c.needs) poolBytes[n.pool] = n.bytes;
  return {
    hostId: c.view.id,
    hostName: c.view.name,
    diskPools: diskPools(ctx, c).map((p) => p!),
    poolBytes,
    uploadImage: c.uploadImage,
  };
}

/** What a placement holds on its host until the VM is created (or creation fails). */
export function reservationFor(request: PlacementRequest, placement: VmPlacement): Reservation {
  const r: Reservation = {
    hostId: placement.hostId,
    vcpus: request.vcpus,
    memoryBytes: request.memoryBytes,
    pools: { ...placement.poolBytes },
  };
  return request.group ? { ...r, group: request.group.name } : r;
}

/** "No feasible nodes found among 3 nodes: Insufficient resources: memory (2 nodes); …" */
function noFeasibleMessage(evals: readonly HostEvaluation[], index: number, count: number): string {
  const which = count > 1 ? ` for VM ${index + 1} of ${count}` : '';
  if (evals.length === 0) return `${PLACEMENT_MESSAGES.noFeasibleNodes}${which}: the inventory has no nodes`;
  // Reasons keep their varying details in parentheses: "Insufficient resources: memory (needs …)".
  const tally = new Map<string, number>();
  const keys: string[] = [];
  for (const e of evals) {
    keys.length = 0;
    for (const r of e.reasons) {
      const cut = r.indexOf(' (');
      const key = cut > 0 ? r.slice(0, cut) : r;
      if (keys.includes(key)) continue; // count a host once per kind of reason
      keys.push(key);
      tally.set(key, (tally.get(key) ?? 0) + 1);
    }
  }
  const top = [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const shown = top.slice(0, 3).map(([k, n]) => `${k} (${plural(n, 'node')})`);
  if (top.length > 3) shown.push(`${top.length - 3} more`);
  return `${PLACEMENT_MESSAGES.noFeasibleNodes}${which} among ${plural(evals.length, 'node')}: ${shown.join('; ')}`;
}

/**
 * Places request.count VMs on the snapshot and explains every host. Never throws for "no host": the
 * failure comes back as a value with the table of the VM that could not be placed.
 */
export function explain(
  request: PlacementRequest,
  snapshot: SnapshotInput,
  options?: PlacementOptions,
): PlacementOutcome {
  const prepared = isPrepared(snapshot) ? snapshot : prepare(snapshot);
  const opts = resolveOptions(options);
  const loads = loadsOf(opts.reservations);
  const placedOn: number[] = new Array<number>(prepared.hosts.length).fill(0); // VMs per host, by index
  const chosen: string[] = [];
  const placements: VmPlacement[] = [];
  const manual = request.manualHost;
  const manualIndex = manual === undefined ? -1 : prepared.hosts.findIndex((v) => v.id === manual);

  let ctx = makeContext(request, opts, prepared, loads);
  const idle = NO_LOAD;
  // A candidate lives only while its host is judged, so one object serves them all (nothing keeps it; the
  // chosen host's is built afresh): a thousand fewer allocations per round.
  const first = prepared.hosts[0];
  const scratch = first ? makeCandidate(ctx, first, idle) : undefined;
  const rows = prepared.hosts.map((v) => judge(ctx, makeCandidate(ctx, v, loads.get(v.id) ?? idle, scratch)));
  const firstRows = rows.slice(); // entries are replaced, never changed: this keeps the first round
  const failure = (kind: PlacementFailure['kind'], message: string, index: number): PlacementOutcome => ({
    ok: false,
    failure: { kind, message, index, placed: chosen, table: toTable(rows, placedOn) },
  });

  if (manual !== undefined && manualIndex < 0) {
    return failure('manual-host-unknown', `Node ${manual} is not in the inventory`, 0);
  }

  for (let i = 0; i < request.count; i++) {
    let pick = -1;
    if (manualIndex >= 0) {
      const row = rows[manualIndex]!;
      if (!row.feasible) {
        const which = request.count > 1 ? `VM ${i + 1} of ${request.count}` : 'this VM';
        return failure(
          'manual-host-infeasible',
          `Node ${row.hostName} cannot take ${which}: ${row.reasons.join('; ')}`,
          i,
        );
      }
      pick = manualIndex;
    } else {
      let best = -Infinity;
      for (let j = 0; j < rows.length; j++) {
        const row = rows[j]!;
        if (row.feasible && row.scores.total > best) {
          pick = j;
          best = row.scores.total;
        }
      }
      if (pick < 0) return failure('no-feasible-host', noFeasibleMessage(rows, i, request.count), i);
    }

    const view = prepared.hosts[pick]!;
    const placement = toPlacement(ctx, makeCandidate(ctx, view, loads.get(view.id) ?? idle));
    chosen.push(placement.hostId);
    placements.push(placement);
    placedOn[pick] = (placedOn[pick] ?? 0) + 1;
    if (i === request.count - 1) break;

    // The next VM sees this one: its host carries the load, and a group member now lives there.
    addLoad(loads, reservationFor(request, placement));
    const prev = ctx;
    ctx = makeContext(request, opts, prepared, loads);
    const fleetMoved =
      ctx.minVms !== prev.minVms ||
      ctx.maxVms !== prev.maxVms ||
      ctx.affinityHosts.size !== prev.affinityHosts.size;
    // When nothing fleet-wide moved, only the chosen host's evaluation changed.
    for (let j = fleetMoved ? 0 : pick; j < (fleetMoved ? rows.length : pick + 1); j++) {
      const v = prepared.hosts[j]!;
      rows[j] = judge(ctx, makeCandidate(ctx, v, loads.get(v.id) ?? idle, scratch));
    }
  }

  return { ok: true, result: { chosen, placements, table: toTable(firstRows, placedOn) } };
}

/**
 * Places request.count VMs, each seeing the ones before it, and returns the chosen hosts with the table.
 * Throws PlacementError (carrying the table) when a VM fits nowhere, or the host the user picked fails a
 * predicate.
 */
export function place(
  request: PlacementRequest,
  snapshot: SnapshotInput,
  options?: PlacementOptions,
): PlacementResult {
  const outcome = explain(request, snapshot, options);
  if (!outcome.ok) throw new PlacementError(outcome.failure);
  return outcome.result;
}
