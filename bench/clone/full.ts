/**
 * The full clone of a shut-off VM with a 2 GiB disk holding 1 GiB of data, ways side by side in one run:
 *   ours:       `vms.clone` (mode full) through a real app's dispatch, on the libvirt-URI host and on the SSH
 *               host kvm-a (the same libvirtd), timed from the call until its task has ended;
 *   baseline:   `qemu-img convert -f qcow2 -O qcow2` of the same disk on the host (the copy alone, no
 *               domain);
 *   beside it:  `virt-clone --auto-clone` (copies the disk through libvirt and defines the clone).
 * Samples alternate, the first way rotating each round; each sample's clone is removed before the next, and
 * `sync` runs before each (not timed) so no sample pays for the write-back of another. The first sample of
 * each way is checked: the clone's disk holds the pattern in its last written MiB and zeros after it.
 */
import { join } from 'node:path';
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
  withRetry,
  type BenchApp,
  type HostKind,
  type Row,
  type Series,
} from './common';

function checkCopy(disk: string | undefined, what: string): void {
  if (!disk) throw new Error(`${what}: no disk`);
  if (!qemuIo(disk, `read -P ${PATTERN} 1023M 1M`) || !qemuIo(disk, 'read -P 0 1G 1M')) {
    throw new Error(`${what}: the copy ${disk} does not hold the source's data`);
  }
}

export async function fullCloneRows(b: BenchApp): Promise<Row[]> {
  const src = defineSourceVm(`${RUN_PREFIX}-f`);
  const keep = [src.disk, src.seed];
  let retried = 0;
  try {
    const vmIds = await b.vmIds(src.name);
    const ours = Object.fromEntries(HOST_KINDS.map((k) => [k, series()])) as Record<HostKind, Series>;
    const convert = series();
    const virtClone = series();

    const oursWay = (k: HostKind) => async (name: string, check: boolean) => {
      await timeOurs(b, ours[k], () => b.client.call('vms.clone', { vmId: vmIds[k], name, mode: 'full' }));
      if (check) checkCopy(domainFiles(name)[0], `our clone on the ${HOST_LABEL[k]}`);
    };
    /** Each way makes what is named after `name` (virt-clone's disk: after the source's, with -clone). */
    const ways: Record<string, (name: string, check: boolean) => Promise<void>> = {
      ...Object.fromEntries(HOST_KINDS.map((k) => [`ours-${k}`, oursWay(k)])),
      async convert(name, check) {
        const out = join(POOL_DIR, `${name}.qcow2`);
        timeTool('qemu-img convert', convert, () =>
          run('qemu-img', ['convert', '-f', 'qcow2', '-O', 'qcow2', src.disk, out]),
        );
        if (check) checkCopy(out, 'qemu-img convert');
      },
      async 'virt-clone'(name, check) {
        timeTool('virt-clone', virtClone, () =>
          run('virt-clone', [
            '--connect',
            'qemu:///system',
            '--original',
            src.name,
            '--name',
            name,
            '--auto-clone',
          ]),
        );
        if (check)
          checkCopy(
            domainFiles(name).find((f) => f.endsWith('.qcow2')),
            'virt-clone',
          );
      },
    };
    const order = Object.keys(ways);
    const sample = async (way: string, name: string, check: boolean) => {
      const undo = () => {
        sweep(name, keep);
        sweep(`${src.name}-disk0-clone`, keep);
      };
      retried += await withRetry(() => ways[way]!(name, check), undo);
      undo();
    };

    // Warm-up, not counted: the first clone of each host makes its connections and loads what loads once.
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
      process.stderr.write(`full clone: round ${i + 1}/${SAMPLES}\n`);
    }
    if (retried) console.log(`(${retried} sample(s) retried: other work held the pool)`);
    return HOST_KINDS.map((k) => ({
      what: `full, ${HOST_LABEL[k]}`,
      ours: ours[k],
      baseline: convert,
      target: 1.1,
      beside: [{ label: 'virt-clone --auto-clone', s: virtClone }],
    }));
  } finally {
    sweep(src.name);
  }
}
