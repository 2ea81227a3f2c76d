/**
 * A linked clone of a template (the same kind of VM: a 2 GiB qcow2 disk with 1 GiB of data, our seed as a
 * CD-ROM, a NIC; made a template by the app's own "convert to template" task, untimed), ways side by side:
 *   ours:     `vms.clone` (mode linked) through a real app's dispatch, on the libvirt-URI host and on the SSH
 *             host kvm-a (the same libvirtd; there the inventory flag is set directly, as the convert task
 *             ran through the URI host), timed from the call until its task has ended;
 *   baseline: the plain tools on the host: `qemu-img create -f qcow2 -b <template disk> -F qcow2`, the
 *             same seed as ours (a new instance-id, the clone's hostname) written and packed by genisoimage
 *             with the product's arguments straight into the pool's directory, and `virsh define` of the
 *             clone's XML (the template's with a new name, UUID, disk and seed and no MAC, written before the
 *             clock starts).
 * virt-clone has no linked clones (virt-manager 4.1: --reflink only), so nothing is shown beside them.
 * Samples alternate, the first way rotating each round; each sample's clone is removed before the next. The
 * first sample of each way is checked: the clone's disk is an overlay on the template's that reads its data.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cloneSeed } from '../../src/main/cloudinit/clone-seed';
import { isoArgv, seedFiles } from '../../src/main/operations/create/seed-iso';
import { virsh } from '../../tests/helpers/domains';
import { POOL_DIR } from '../../tests/helpers/provision';
import { qemuIo } from '../../tests/helpers/snapshots';
import {
  HOST_KINDS,
  HOST_LABEL,
  PATTERN,
  RUN_PREFIX,
  SAMPLES,
  clearSeries,
  defineSourceVm,
  domainFiles,
  run,
  series,
  settle,
  sweep,
  timeOurs,
  timeTool,
  waitTask,
  withRetry,
  type BenchApp,
  type HostKind,
  type Row,
  type Series,
  type SourceVm,
} from './common';

function checkOverlay(disk: string | undefined, template: string, what: string): void {
  if (!disk) throw new Error(`${what}: no disk`);
  const info = JSON.parse(run('qemu-img', ['info', '-U', '--output=json', disk])) as {
    'backing-filename'?: string;
  };
  if (info['backing-filename'] !== template) {
    throw new Error(`${what}: ${disk} is not an overlay on ${template}`);
  }
  if (!qemuIo(disk, `read -P ${PATTERN} 1023M 1M`))
    throw new Error(`${what}: ${disk} lacks the template's data`);
}

/** The template's inactive XML made the clone's: new name, UUID, disk, seed; no MAC (libvirt picks one). */
function cloneXml(src: SourceVm, name: string, uuid: string, disk: string, seed: string): string {
  return virsh('dumpxml', '--inactive', src.name)
    .replace(`<name>${src.name}</name>`, `<name>${name}</name>`)
    .replace(/<uuid>[^<]*<\/uuid>/, `<uuid>${uuid}</uuid>`)
    .replace(/<mac address='[^']*'\/>/g, '')
    .replace(`<source file='${src.disk}'/>`, `<source file='${disk}'/>`)
    .replace(`<source file='${src.seed}'/>`, `<source file='${seed}'/>`);
}

export async function linkedCloneRows(b: BenchApp): Promise<Row[]> {
  const src = defineSourceVm(`${RUN_PREFIX}-l`);
  const keep = [src.disk, src.seed];
  const work = mkdtempSync(join(tmpdir(), 'qhci-bench-linked-'));
  let retried = 0;
  try {
    const vmIds = await b.vmIds(src.name);
    // The template, made by the app's own task through the URI host (or the SSH one, when it runs alone).
    const via = HOST_KINDS[0]!;
    const made = await waitTask(
      b.client,
      (await b.client.call('vms.convertToTemplate', { vmId: vmIds[via] })).taskId,
    );
    if (made.state !== 'succeeded') throw new Error(`convert to template failed: ${made.error?.message}`);
    await b.app.provisioning.drain();
    for (const k of HOST_KINDS) if (k !== via) b.app.repos.vms.setTemplate(vmIds[k], true);

    const ours = Object.fromEntries(HOST_KINDS.map((k) => [k, series()])) as Record<HostKind, Series>;
    const plain = series();

    const oursWay = (k: HostKind) => async (name: string, check: boolean) => {
      await timeOurs(b, ours[k], () => b.client.call('vms.clone', { vmId: vmIds[k], name, mode: 'linked' }));
      if (check) checkOverlay(domainFiles(name)[0], src.disk, `our linked clone on the ${HOST_LABEL[k]}`);
    };
    const ways: Record<string, (name: string, check: boolean) => Promise<void>> = {
      ...Object.fromEntries(HOST_KINDS.map((k) => [`ours-${k}`, oursWay(k)])),
      async plain(name, check) {
        const uuid = randomUUID();
        const disk = join(POOL_DIR, `${name}-disk0.qcow2`);
        const iso = join(POOL_DIR, `${name}-cidata.iso`);
        const xmlFile = join(work, `${name}.xml`);
        writeFileSync(xmlFile, cloneXml(src, name, uuid, disk, iso));
        const seedDir = join(work, name);
        timeTool('plain tools', plain, () => {
          run('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', src.disk, '-F', 'qcow2', disk]);
          const dir = mkdtempSync(`${seedDir}-`);
          for (const [file, content] of seedFiles(cloneSeed(name, uuid)))
            writeFileSync(join(dir, file), content);
          const [tool, ...args] = isoArgv('genisoimage', iso, dir);
          run(tool!, args);
          virsh('define', xmlFile);
        });
        if (check) checkOverlay(domainFiles(name)[0], src.disk, 'the plain tools');
      },
    };
    const order = Object.keys(ways);
    const sample = async (way: string, name: string, check: boolean) => {
      retried += await withRetry(
        () => ways[way]!(name, check),
        () => sweep(name, keep),
      );
      sweep(name, keep);
    };

    for (const k of HOST_KINDS) {
      await sample(`ours-${k}`, `${src.name}-w${k}`, true);
      clearSeries(ours[k]);
    }
    for (let i = 0; i < SAMPLES; i++) {
      for (let j = 0; j < order.length; j++) {
        const way = order[(i + j) % order.length]!;
        settle();
        await sample(way, `${src.name}-${way.replace(/[^a-z]/g, '').slice(0, 6)}${i}`, i === 0);
      }
      process.stderr.write(`linked clone: round ${i + 1}/${SAMPLES}\n`);
    }
    if (retried) console.log(`(${retried} linked sample(s) retried: other work held the pool)`);
    return HOST_KINDS.map((k) => ({
      what: `linked, ${HOST_LABEL[k]}`,
      ours: ours[k],
      baseline: plain,
      target: 1.2,
    }));
  } finally {
    sweep(src.name);
    rmSync(work, { recursive: true, force: true });
  }
}
