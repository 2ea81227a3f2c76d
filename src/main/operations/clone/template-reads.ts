/**
 * What requests read of a template's disks, kept while the app runs. A template's disks never change (they
 * are read-only bases), so the next request for clones of it on its own host checks the template and the
 * clones' names and volumes in one virsh round trip: the template's state and XML (the same as when read,
 * or it is read again in full), the host's domain names, the pools' room, the new volumes' names.
 */
import type { HostOps } from '../host-ops';
import type { VmOnHost } from '../snapshots/context';
import type { CloneDeps, CloneJob } from './context';
import { planCloneDisks, readHosts, shutOffXml, sourceNow, type SourceDisk } from './plan';

interface Read {
  readonly xml: string;
  readonly disks: readonly SourceDisk[];
  /** Whether what a copy of each disk needs was measured. */
  readonly measured: boolean;
}

export class TemplateReads {
  private readonly byVm = new Map<string, Read>();

  remember(vmId: string, read: Read): void {
    this.byVm.set(vmId, read);
  }

  /**
   * Checks a request for clones on the template's host with what was read of it before: resolves with that
   * read (the names and volumes free, every pool with room: refused otherwise), or null when there is none
   * that serves or the template's XML is no longer the one read (then the caller reads it again).
   */
  async check(
    deps: CloneDeps,
    vm: VmOnHost,
    ops: HostOps,
    jobs: readonly CloneJob[],
    measured: boolean,
  ): Promise<Read | null> {
    const known = this.byVm.get(vm.id);
    if (!known || (measured && !known.measured) || jobs.some((j) => j.hostId !== vm.hostId)) return null;
    const planned = [];
    for (const job of jobs) planned.push(...(await planCloneDisks(deps, vm, known.disks, job, ops)));
    const at = { hostId: vm.hostId, projectId: vm.projectId };
    const read = await readHosts(deps, at, ops, null, planned, sourceNow(vm));
    if (shutOffXml(vm, read.lead) !== known.xml) {
      this.byVm.delete(vm.id);
      return null;
    }
    read.refuse(jobs.map((j) => j.name));
    return known;
  }
}
