/** The masthead's search: VMs, hosts and folders whose name contains the text, best matches first. */
import type { FolderNode } from '../../../shared/domain/folder';
import type { HostSummary } from '../../../shared/domain/host';
import type { VmSummary } from '../../../shared/domain/vm';

export interface SearchHit {
  readonly kind: 'vm' | 'host' | 'folder';
  readonly id: string;
  readonly name: string;
  /** A second line: a VM's host, a folder's path. */
  readonly detail: string;
}

export const HITS_PER_KIND = 8;

/** 0 for an exact match, 1 for a prefix, 2 for a match inside the name, -1 for none. */
function rank(name: string, q: string): number {
  const n = name.toLowerCase();
  if (n === q) return 0;
  if (n.startsWith(q)) return 1;
  return n.includes(q) ? 2 : -1;
}

function best<T>(items: readonly T[], name: (t: T) => string, q: string): T[] {
  const scored: { t: T; r: number; n: string }[] = [];
  for (const t of items) {
    const r = rank(name(t), q);
    if (r >= 0) scored.push({ t, r, n: name(t) });
  }
  scored.sort((a, b) => a.r - b.r || a.n.length - b.n.length || (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
  return scored.slice(0, HITS_PER_KIND).map((s) => s.t);
}

export function search(
  text: string,
  data: {
    vms: readonly VmSummary[];
    hosts: readonly HostSummary[];
    folders: readonly FolderNode[];
  },
): { hits: SearchHit[]; counts: Record<SearchHit['kind'], number> } {
  const q = text.trim().toLowerCase();
  if (q === '') return { hits: [], counts: { vm: 0, host: 0, folder: 0 } };
  const hostName = new Map(data.hosts.map((h) => [h.id, h.name]));
  const vms = best(data.vms, (v) => v.name, q);
  const hosts = best(data.hosts, (h) => h.name, q);
  // The root folder has no name of its own.
  const folders = best(
    data.folders.filter((f) => f.parentId !== null),
    (f) => f.name,
    q,
  );
  const hits: SearchHit[] = [
    ...vms.map((v) => ({
      kind: 'vm' as const,
      id: v.id,
      name: v.name,
      detail: v.hostId === null ? 'not on a host' : `on ${hostName.get(v.hostId) ?? 'an unknown host'}`,
    })),
    ...hosts.map((h) => ({ kind: 'host' as const, id: h.id, name: h.name, detail: h.uri })),
    ...folders.map((f) => ({ kind: 'folder' as const, id: f.id, name: f.name, detail: f.path })),
  ];
  return { hits, counts: { vm: vms.length, host: hosts.length, folder: folders.length } };
}
