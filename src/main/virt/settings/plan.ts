/**
 * A VM settings change, planned from the domain's XML. Pure: from the inactive XML (and, for a running VM, the
 * live XML) and a validated change list it gives the new inactive document (exactly what `virsh define` gets),
 * the live actions for a running VM (setvcpus, setmem, attach/detach/update-device, blockresize, change-media,
 * desc), the volumes to create, grow and delete, when each change takes effect, and why a change is refused.
 *
 * The document is edited in place, as clone-xml.ts does: every element a change does not touch keeps its bytes.
 * What a change adds (a disk, a NIC, a `<source>`) is built by fast-xml-parser's XMLBuilder, which escapes
 * every value, and indented like its neighbours.
 */
import type { VmSettingsChange } from '../../../shared/domain/vm-settings';
import { memory, vcpus } from './compute';
import { diskAddExisting, diskAddNew, diskDetach, diskGrow } from './disks';
import { headOf } from './facts';
import { bootOrder, cdromEject, cdromInsert, description } from './media';
import { nicAdd, nicRemove, nicUpdate } from './nics';
import { freePcieSlots } from './pcie';
import type { PlannedChange, SettingsContext, SettingsPlan, SettingsRefusal } from './types';
import { type Outcome, Refused, type Work } from './work';

function applyOne(w: Work, c: VmSettingsChange): Outcome {
  switch (c.kind) {
    case 'vcpus':
      return vcpus(w, c);
    case 'memory':
      return memory(w, c);
    case 'disk-add-new':
      return diskAddNew(w, c);
    case 'disk-add-existing':
      return diskAddExisting(w, c);
    case 'disk-grow':
      return diskGrow(w, c);
    case 'disk-detach':
      return diskDetach(w, c);
    case 'nic-add':
      return nicAdd(w, c);
    case 'nic-remove':
      return nicRemove(w, c);
    case 'nic-update':
      return nicUpdate(w, c);
    case 'cdrom-insert':
      return cdromInsert(w, c);
    case 'cdrom-eject':
      return cdromEject(w, c);
    case 'boot-order':
      return bootOrder(w, c.order);
    case 'autostart':
      w.autostart = c.enabled;
      return {
        summary: c.enabled ? 'Start with the host' : 'Do not start with the host',
        effect: 'now',
        live: [],
      };
    case 'description':
      return description(w, c.text);
    case 'labels':
      w.labels = c.labels;
      return { summary: `Labels: ${Object.keys(c.labels).length} label(s)`, effect: 'now', live: [] };
    default: {
      const never: never = c;
      throw new Error(`Unknown change ${JSON.stringify(never)}`);
    }
  }
}

/** The plan of a settings change. A refused change leaves the document as it was; the others still show. */
export function planSettings(ctx: SettingsContext, changes: readonly VmSettingsChange[]): SettingsPlan {
  const w: Work = {
    doc: ctx.inactiveXml,
    ctx,
    live: ctx.liveXml,
    running: ctx.liveXml !== null,
    name: headOf(ctx.inactiveXml).name,
    macs: 0,
    pcieFree: ctx.liveXml === null ? null : freePcieSlots(ctx.liveXml),
    createVolumes: [],
    resizeVolumes: [],
    deleteVolumes: [],
    autostart: null,
    labels: null,
  };
  const planned: PlannedChange[] = [];
  const refusals: SettingsRefusal[] = [];
  changes.forEach((c, index) => {
    const before = {
      doc: w.doc,
      create: w.createVolumes.length,
      resize: w.resizeVolumes.length,
      del: w.deleteVolumes.length,
      macs: w.macs,
      pcie: w.pcieFree,
    };
    try {
      planned.push({ index, kind: c.kind, ...applyOne(w, c) });
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      w.doc = before.doc;
      w.createVolumes.length = before.create;
      w.resizeVolumes.length = before.resize;
      w.deleteVolumes.length = before.del;
      w.macs = before.macs;
      w.pcieFree = before.pcie;
      refusals.push({ index, message: e.message });
    }
  });
  return {
    inactiveXml: w.doc,
    running: w.running,
    changes: planned,
    refusals,
    createVolumes: w.createVolumes,
    resizeVolumes: w.resizeVolumes,
    deleteVolumes: w.deleteVolumes,
    autostart: w.autostart,
    labels: w.labels,
  };
}
