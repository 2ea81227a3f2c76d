/**
 * Cloning a VM on the testbed's libvirt (qemu:///system), ours beside the plain tools, in one run:
 *   - a full clone of a shut-off VM with a 2 GiB disk holding 1 GiB of data, against `qemu-img convert` of
 *     the same disk (target ≤ 1.1×), `virt-clone --auto-clone` beside it (bench/clone/full.ts);
 *   - a linked clone of a template (such a VM converted by the app), against the plain tools: `qemu-img
 *     create -b` + the seed ISO + `virsh define` (target ≤ 1.2×; bench/clone/linked.ts).
 * Ours is a real app (createApp on a temporary data directory) with the libvirt-URI host `local` and the SSH
 * host kvm-a (this machine's libvirtd over loopback) added; each clone runs through its dispatch as a task.
 * BENCH_SAMPLES (default 7) per way; BENCH_HOSTS=local or ssh runs ours on one host kind only;
 * BENCH_PARTS=full or linked runs one part; BENCH_VERBOSE=1 prints each sample as it is taken. Each of our
 * host calls is timed and put down to its step (bench/clone/trace.ts; BENCH_TRACE=0 turns that off), so
 * that the disk copy, which varies with the shared disk from sample to sample, can be set apart from the rest
 * of our time.
 * Everything a run makes (domains, volumes, files) is removed, on failure and on SIGINT too.
 *
 *   npm run bench:clone
 */
import { rmSync } from 'node:fs';
import {
  RUN_PREFIX,
  benchApp,
  conditions,
  loadAverage,
  printTable,
  requireTestbed,
  sweep,
  type Row,
} from './clone/common';
import { fullCloneRows } from './clone/full';
import { linkedCloneRows } from './clone/linked';

requireTestbed('clone bench');

/** BENCH_PARTS=full or =linked runs one part; both by default. */
const PARTS = (process.env.BENCH_PARTS ?? 'full,linked').split(',');

let dataDir: string | null = null;

// Interrupted: what this run made is removed before the process ends (a finally block would not run).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: removing what the bench made (${RUN_PREFIX}-…)`);
    sweep(RUN_PREFIX);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    process.exit(130);
  });
}

async function main(): Promise<void> {
  const load = loadAverage();
  const b = await benchApp();
  dataDir = b.dataDir;
  let full: Row[] = [];
  let linked: Row[] = [];
  try {
    if (PARTS.includes('full')) full = await fullCloneRows(b);
    if (PARTS.includes('linked')) linked = await linkedCloneRows(b);
  } finally {
    await b.close();
  }
  const tables: [string, string, Row[]][] = [
    ['Full clone: ours vs qemu-img convert of the same disk', 'qemu-img convert', full],
    [
      'Linked clone of a template: ours vs qemu-img create -b + seed ISO + virsh define',
      'plain tools',
      linked,
    ],
  ];
  let allMet = true;
  for (const [title, baseline, rows] of tables) {
    // Every table is printed, met or not.
    if (rows.length && !printTable(title, baseline, rows)) allMet = false;
  }
  console.log(`\n${conditions(load)}`);
  if (!allMet) process.exitCode = 1;
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    // Host connections a background refresh may hold are not waited for.
    setTimeout(() => process.exit(), 100).unref();
  });
