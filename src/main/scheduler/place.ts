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
import {
  diskPools,
  makeCandidate,
  makeContext,
  planStorage,
  startCandidate,
  type Candidate,
  type PlacementContext,
} from './context';
import { PlacementError } from './errors';
import { plural } from './format';
import {
  addLoad,
  isPrepared,
  loadsOf,
  NO_LOAD,
  prepare,
  resolveOptions,
  type HostLoad,
  type HostView,
  type PlacementOptions,
  type PreparedSnapshot,
  type ResolvedOptions,
  type SnapshotInput,
} from './model';
import { PREDICATES, type Predicate } from './predicates';
import { scoreHost, totalScore } from './scores';

/** A row of the table, filled in while placing (placed is counted at the end). */
type Row = { -readonly [K in keyof HostEvaluation]: HostEvaluation[K] };

const NONE: readonly string[] = Object.freeze([]);
/** The predicates, bound here once: the loop over hosts reads them thousands of times per placement. */
const CHECKS: readonly Predicate[] = PREDICATES;
/** For each predicate, the one-name list that the hosts failing only it share. */
const ALONE: readonly (readonly string[])[] = PREDICATES.map((p) => Object.freeze([p.name]));
type Test = (ctx: PlacementContext, c: Candidate) => boolean;
/** A predicate's yes-or-no test: passes() when it has one, else check() with no reasons. */
const testOf = (p: Predicate): Test =>
  p.passes ? p.passes.bind(p) : (ctx: PlacementContext, c: Candidate) => p.check(ctx, c) === null;
/** The tests of the predicates that read only the host, then of those that read the storage plan. */
const HOST_TESTS: readonly Test[] = PREDICATES.filter((p) => !p.storage).map(testOf);
const STORAGE_TESTS: readonly Test[] = PREDICATES.filter((p) => p.storage).map(testOf);

function passAll(tests: readonly Test[], ctx: PlacementContext, c: Candidate): boolean {
  for (let i = 0; i < tests.length; i++) if (!tests[i]!(ctx, c)) return false;
  return true;
}

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

/** The load reservations and earlier VMs put on a host. */
function loadOf(loads: ReadonlyMap<string, HostLoad>, v: HostView): Readonly<HostLoad> {
  return loads.size === 0 ? NO_LOAD : (loads.get(v.id) ?? NO_LOAD);
}

/**
 * Assesses hosts [from, to) for this round into the snapshot's scratch arrays: feasible or not, and the
 * total score of the feasible ones. One candidate object serves every host (see startCandidate's `into`).
 */
function assess(
  ctx: PlacementContext,
  prepared: PreparedSnapshot,
  loads: ReadonlyMap<string, HostLoad>,
  spare: Candidate,
  from: number,
  to: number,
): void {
  const { hosts, scratch: round } = prepared;
  for (let j = from; j < to; j++) {
    const v = hosts[j]!;
    // judge(...).feasible without the row: it stops at the first predicate that fails, builds no reasons,
    // and plans the storage only of hosts that pass the others (the table judges each host in full).
    const c = startCandidate(v, loadOf(loads, v), spare);
    let fits = passAll(HOST_TESTS, ctx, c);
    if (fits) {
      planStorage(ctx, c);
      fits = passAll(STORAGE_TESTS, ctx, c);
    }
    if (fits) {
      round.feasible[j] = 1;
      round.totals[j] = totalScore(ctx, c);
    } else {
      round.feasible[j] = 0;
      round.totals[j] = -Infinity;
    }
  }
}

/** Every host of the snapshot judged in full, in the snapshot's order: the rows of a table. */
function judgeAll(
  ctx: PlacementContext,
  prepared: PreparedSnapshot,
  loads: ReadonlyMap<string, HostLoad>,
): HostEvaluation[] {
  return prepared.hosts.map((v) => judge(ctx, makeCandidate(ctx, v, loadOf(loads, v))));
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

/** The rows, best first, with how many VMs each host received (picks: the host index of each VM). */
function toTable(rows: readonly HostEvaluation[], picks: readonly number[]): HostEvaluation[] {
  for (const j of picks) (rows[j] as Row).placed++;
  const feasible = rows.filter((r) => r.feasible).sort(byTotal);
  return feasible.concat(rows.filter((r) => !r.feasible));
}

/**
 * A result whose table is judged the first time it is read, from the state of the first round (kept as it
 * was), then kept: provisioning reads only the placements, the dry run reads the table. It is an own,
 * enumerable property, so structured cloning (IPC), JSON and deep equality see it like any other.
 */
function withLazyTable(
  chosen: readonly string[],
  placements: readonly VmPlacement[],
  build: () => HostEvaluation[],
): PlacementResult {
  // A getter in the literal (enumerable, configurable) keeps one shape for every result; reading it turns
  // it into a plain value.
  const result = {
    chosen,
    placements,
    get table(): readonly HostEvaluation[] {
      const value = build();
      Object.defineProperty(result, 'table', { value, enumerable: true, writable: false });
      return value;
    },
  };
  return result;
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
 *
 * Each round assesses every host (every predicate until one fails, the total score of those that pass)
 * into the snapshot's scratch arrays and picks the best; no per-host object is made. The table is judged
 * in full (every failing predicate, every reason, every score) from the same state: at once for a failure,
 * whose message needs it, and when first read for a success.
 */
export function explain(
  request: PlacementRequest,
  snapshot: SnapshotInput,
  options?: PlacementOptions,
): PlacementOutcome {
  const prepared = isPrepared(snapshot) ? snapshot : prepare(snapshot);
  const opts = resolveOptions(options);
  return explainLoaded(request, prepared, opts, loadsOf(opts.reservations));
}

/** A copy of the loads that later rounds do not change. */
function copyLoads(loads: ReadonlyMap<string, HostLoad>): Map<string, HostLoad> {
  const copy = new Map<string, HostLoad>();
  for (const [id, l] of loads) copy.set(id, { ...l, pools: new Map(l.pools), groups: new Map(l.groups) });
  return copy;
}

/**
 * explain() over loads the caller built (reservations and what it placed before): a plan of many moves
 * keeps one map and adds each move to it, instead of rebuilding it from every reservation each time.
 * The map gains this call's VMs except the last (with count 1 it is not changed).
 */
export function explainLoaded(
  request: PlacementRequest,
  prepared: PreparedSnapshot,
  opts: ResolvedOptions,
  loads: Map<string, HostLoad>,
): PlacementOutcome {
  const { hosts } = prepared;
  const { feasible, totals } = prepared.scratch;
  // The table shows the first VM's view; later rounds add this call's VMs to `loads`.
  const firstLoads = request.count > 1 ? copyLoads(loads) : loads;
  const picks: number[] = []; // the host index of each VM
  const chosen: string[] = [];
  const placements: VmPlacement[] = [];
  const manual = request.manualHost;
  const manualIndex = manual === undefined ? -1 : hosts.findIndex((v) => v.id === manual);

  let ctx = makeContext(request, opts, prepared, loads);
  const firstCtx = ctx;
  const failure = (kind: PlacementFailure['kind'], message: string, index: number): PlacementOutcome => ({
    ok: false,
    failure: { kind, message, index, placed: chosen, table: toTable(judgeAll(ctx, prepared, loads), picks) },
  });
  if (manual !== undefined && manualIndex < 0) {
    return failure('manual-host-unknown', `Node ${manual} is not in the inventory`, 0);
  }

  // A candidate lives only while its host is assessed, so one object serves them all (nothing keeps it;
  // the chosen host's is built afresh).
  const spare = hosts.length > 0 ? startCandidate(hosts[0]!, NO_LOAD) : undefined;
  if (spare) assess(ctx, prepared, loads, spare, 0, hosts.length);

  for (let i = 0; i < request.count; i++) {
    let pick = -1;
    if (manualIndex >= 0) {
      if (feasible[manualIndex] !== 1) {
        const which = request.count > 1 ? `VM ${i + 1} of ${request.count}` : 'this VM';
        const v = hosts[manualIndex]!;
        const row = judge(ctx, makeCandidate(ctx, v, loadOf(loads, v)));
        return failure(
          'manual-host-infeasible',
          `Node ${row.hostName} cannot take ${which}: ${row.reasons.join('; ')}`,
          i,
        );
      }
      pick = manualIndex;
    } else {
      // The first highest total: hosts are in name order, the tie-break.
      let best = -Infinity;
      for (let j = 0; j < hosts.length; j++) {
        if (feasible[j] === 1 && totals[j]! > best) {
          pick = j;
          best = totals[j]!;
        }
      }
      if (pick < 0) {
        const rows = judgeAll(ctx, prepared, loads);
        return {
          ok: false,
          failure: {
            kind: 'no-feasible-host',
            message: noFeasibleMessage(rows, i, request.count),
            index: i,
            placed: chosen,
            table: toTable(rows, picks),
          },
        };
      }
    }

    const view = hosts[pick]!;
    const placement = toPlacement(ctx, makeCandidate(ctx, view, loadOf(loads, view)));
    chosen.push(placement.hostId);
    placements.push(placement);
    picks.push(pick);
    if (i === request.count - 1) break;

    // The next VM sees this one: its host carries the load, and a group member now lives there.
    addLoad(loads, reservationFor(request, placement));
    const prev = ctx;
    ctx = makeContext(request, opts, prepared, loads);
    const fleetMoved =
      ctx.minVms !== prev.minVms ||
      ctx.maxVms !== prev.maxVms ||
      ctx.affinityHosts.size !== prev.affinityHosts.size;
    // When nothing fleet-wide moved, only the chosen host's assessment changed.
    if (fleetMoved) assess(ctx, prepared, loads, spare!, 0, hosts.length);
    else assess(ctx, prepared, loads, spare!, pick, pick + 1);
  }

  return {
    ok: true,
    result: withLazyTable(chosen, placements, () => toTable(judgeAll(firstCtx, prepared, firstLoads), picks)),
  };
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
