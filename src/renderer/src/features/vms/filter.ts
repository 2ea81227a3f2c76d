/**
 * Sorting and filtering the VM list: pure functions over plain data, fast enough for 10,000 rows on every
 * keystroke. Rows are sorted once (when the data or the sort changes); a keystroke only filters the sorted
 * rows, which keeps their order.
 */
import { VM_STATES, type VmSummary } from '../../../../shared/domain/vm';
import type { VmFilters, VmKindFilter, VmSortKey } from '../../stores/ui';

/** A VM with what the list shows and matches precomputed. */
export interface VmRow {
  readonly vm: VmSummary;
  readonly hostName: string;
  readonly folderPath: string;
  /** The lowercased name, for the name filter. */
  readonly key: string;
  /** Natural sort keys (digit runs padded): "web-2" before "web-10" with a plain comparison. */
  readonly nameKey: string;
  readonly hostKey: string;
  readonly folderKey: string;
  /** The labels as "k=v" in key order, for sorting by label; "\uffff" (last) when it has none. */
  readonly labelKey: string;
}

export interface Lookups {
  readonly hostNames: ReadonlyMap<string, string>;
  readonly folderPaths: ReadonlyMap<string, string>;
}

/** Lowercased, with every run of digits padded to 16, so that a plain comparison orders numbers. */
export function naturalKey(s: string): string {
  return s.toLowerCase().replace(/\d+/g, (d) => d.padStart(16, '0'));
}

// Rows are kept per VM object (a state event replaces one VM, the others keep their rows) and per lookups.
const rowCache = new WeakMap<Lookups, WeakMap<VmSummary, VmRow>>();

export function toRows(vms: readonly VmSummary[], lookups: Lookups): VmRow[] {
  let cache = rowCache.get(lookups);
  if (!cache) rowCache.set(lookups, (cache = new WeakMap()));
  const keys = new Map<string, string>();
  const keyOf = (s: string) => {
    let k = keys.get(s);
    if (k === undefined) keys.set(s, (k = naturalKey(s)));
    return k;
  };
  return vms.map((vm) => {
    const hit = cache.get(vm);
    if (hit) return hit;
    const hostName = vm.hostId === null ? '' : (lookups.hostNames.get(vm.hostId) ?? '');
    const folderPath = vm.folderId === null ? '' : (lookups.folderPaths.get(vm.folderId) ?? '');
    const row: VmRow = {
      vm,
      hostName,
      folderPath,
      key: vm.name.toLowerCase(),
      nameKey: naturalKey(vm.name),
      hostKey: keyOf(hostName),
      folderKey: keyOf(folderPath),
      labelKey: labelKeyOf(vm.labels),
    };
    cache.set(vm, row);
    return row;
  });
}

function labelKeyOf(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? '\uffff' : naturalKey(keys.map((k) => `${k}=${labels[k]}`).join(' '));
}

const STATE_ORDER = new Map(VM_STATES.map((s, i) => [s, i]));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A VM's live usage now, for sorting by it (features/usage); null or absent: unknown, sorted first. */
export type UsageLookup = (vmId: string) => { cpu: number | null; memUsed: number | null } | undefined;

const NO_USAGE: UsageLookup = () => undefined;
const usageOf = (usage: UsageLookup, row: VmRow, key: 'cpu' | 'memUsed') => usage(row.vm.id)?.[key] ?? -1;

const COMPARE: Record<VmSortKey, (a: VmRow, b: VmRow, usage: UsageLookup) => number> = {
  name: () => 0,
  state: (a, b) => STATE_ORDER.get(a.vm.state)! - STATE_ORDER.get(b.vm.state)!,
  host: (a, b) => cmp(a.hostKey, b.hostKey),
  folder: (a, b) => cmp(a.folderKey, b.folderKey),
  labels: (a, b) => cmp(a.labelKey, b.labelKey),
  vcpus: (a, b) => (a.vm.vcpus ?? -1) - (b.vm.vcpus ?? -1),
  memory: (a, b) => (a.vm.memoryBytes ?? -1) - (b.vm.memoryBytes ?? -1),
  cpu: (a, b, u) => usageOf(u, a, 'cpu') - usageOf(u, b, 'cpu'),
  memUsed: (a, b, u) => usageOf(u, a, 'memUsed') - usageOf(u, b, 'memUsed'),
};

/** A new array sorted by the key, then by name (then id, so the order is total). */
export function sortRows(
  rows: readonly VmRow[],
  key: VmSortKey,
  direction: 'asc' | 'desc',
  usage: UsageLookup = NO_USAGE,
): VmRow[] {
  const sign = direction === 'asc' ? 1 : -1;
  const byKey = COMPARE[key];
  return rows.slice().sort((a, b) => {
    const k = byKey(a, b, usage);
    if (k !== 0) return sign * k;
    const n = cmp(a.nameKey, b.nameKey) || cmp(a.vm.name, b.vm.name);
    if (n !== 0) return key === 'name' ? sign * n : n;
    return cmp(a.vm.id, b.vm.id);
  });
}

/** "env" matches VMs that have the label env; "env=prod" those whose env is prod (case-insensitive value). */
export function labelMatcher(text: string): ((labels: Readonly<Record<string, string>>) => boolean) | null {
  const t = text.trim();
  if (t === '') return null;
  const eq = t.indexOf('=');
  if (eq < 0) {
    const key = t.toLowerCase();
    return (labels) => Object.keys(labels).some((k) => k.toLowerCase() === key);
  }
  const key = t.slice(0, eq).trim().toLowerCase();
  const value = t
    .slice(eq + 1)
    .trim()
    .toLowerCase();
  return (labels) =>
    Object.entries(labels).some(([k, v]) => k.toLowerCase() === key && v.toLowerCase() === value);
}

// The name filter's recent results, per sorted list: the texts typed last and the rows each matches.
const byTextCache = new WeakMap<readonly VmRow[], Map<string, readonly VmRow[]>>();
const BY_TEXT_KEPT = 32;

/**
 * The rows whose name contains `text` (lowercased), in their order. A name that contains a text contains
 * every part of it, so a text is matched against the fewest rows a recent part of it matched (typing one
 * more character filters the last result, not the whole list), and a text met again (erasing what was
 * typed) is answered from the recent results.
 */
export function rowsMatchingText(rows: readonly VmRow[], text: string): readonly VmRow[] {
  if (text === '') return rows;
  let cache = byTextCache.get(rows);
  if (cache === undefined) byTextCache.set(rows, (cache = new Map()));
  const hit = cache.get(text);
  if (hit !== undefined) {
    // Most recently used last.
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  let from = rows;
  for (const [part, matched] of cache) {
    if (matched.length < from.length && text.includes(part)) from = matched;
  }
  const out: VmRow[] = [];
  for (const r of from) if (r.key.includes(text)) out.push(r);
  cache.set(text, out);
  if (cache.size > BY_TEXT_KEPT) cache.delete(cache.keys().next().value!);
  return out;
}

/** The rows that pass every filter, in their order. */
export function filterRows(rows: readonly VmRow[], f: VmFilters): readonly VmRow[] {
  const byText = rowsMatchingText(rows, f.text.trim().toLowerCase());
  const label = labelMatcher(f.label);
  if (f.state === null && f.hostId === null && f.folderId === null && label === null && f.kind === null) {
    return byText;
  }
  const folder = f.folderId === 'none' ? null : f.folderId;
  return byText.filter(
    (r) =>
      (f.state === null || r.vm.state === f.state) &&
      (f.hostId === null || r.vm.hostId === f.hostId) &&
      (f.folderId === null || r.vm.folderId === folder) &&
      (label === null || label(r.vm.labels)) &&
      (f.kind === null || kindMatches(r.vm, f.kind)),
  );
}

/** "VMs" are every VM that is not a template (linked clones run too); "linked" only the linked clones. */
export function kindMatches(vm: Pick<VmSummary, 'template' | 'linked'>, kind: VmKindFilter): boolean {
  return kind === 'template' ? vm.template : kind === 'linked' ? vm.linked && !vm.template : !vm.template;
}

// The last filtering of each sorted list: the table and the toolbar's count ask for the same one.
const lastFiltered = new WeakMap<readonly VmRow[], { f: VmFilters; rows: readonly VmRow[] }>();

/** filterRows, computed once per (rows, filters) however many components ask. */
export function filterRowsOnce(rows: readonly VmRow[], f: VmFilters): readonly VmRow[] {
  const hit = lastFiltered.get(rows);
  if (hit !== undefined && hit.f === f) return hit.rows;
  const shown = filterRows(rows, f);
  lastFiltered.set(rows, { f, rows: shown });
  return shown;
}

export function activeFilterCount(f: VmFilters): number {
  return (
    (f.text.trim() !== '' ? 1 : 0) +
    (f.state !== null ? 1 : 0) +
    (f.hostId !== null ? 1 : 0) +
    (f.folderId !== null ? 1 : 0) +
    (f.label.trim() !== '' ? 1 : 0) +
    (f.kind !== null ? 1 : 0)
  );
}
