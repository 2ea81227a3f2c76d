/**
 * The disk files a VM owns, which deleting it with its disks removes: each disk's top file unless other
 * disks stand on it, and below it the files its external snapshots made or stood on (overlays, the original
 * disk beneath them, memory files) as long as nothing outside the VM stands on them. A base image (a cloud
 * image, a template's disk) is never the VM's: no snapshot of the VM made it or recorded it as a disk. Pure.
 */
export interface VmFilesInput {
  readonly disks: readonly {
    readonly device: string;
    readonly source: string | null;
    readonly backingChain: readonly string[];
  }[];
  /** The files on the host that other files stand on (backing files). */
  readonly bases: ReadonlySet<string>;
  /** The files that stand on a file (its overlays). */
  readonly users: (path: string) => readonly string[];
  /** The VM's external snapshots: the files each made, and the disk files it recorded. */
  readonly snapshots: readonly { readonly files: readonly string[]; readonly under: readonly string[] }[];
}

export function vmOwnFiles(v: VmFilesInput): string[] {
  const own = new Set<string>();
  const made = new Set(v.snapshots.flatMap((s) => s.files));
  const recorded = new Set([...made, ...v.snapshots.flatMap((s) => s.under)]);
  const onlyOurs = (path: string) => v.users(path).every((u) => own.has(u));
  for (const d of v.disks) {
    if (d.device !== 'disk' || !d.source) continue;
    if (v.bases.has(d.source) && !(recorded.has(d.source) && onlyOurs(d.source))) continue;
    own.add(d.source);
    for (const below of d.backingChain) {
      if (!recorded.has(below) || !onlyOurs(below)) break;
      own.add(below);
    }
  }
  // What the snapshots made or stood on that no disk chain reached (memory files, overlays of other
  // branches, the original disk under an inactive domain, whose XML shows no backing chain): each once
  // everything standing on it is the VM's.
  for (let grew = true; grew;) {
    grew = false;
    for (const f of recorded) {
      if (!own.has(f) && onlyOurs(f)) {
        own.add(f);
        grew = true;
      }
    }
  }
  return [...own];
}
