/**
 * Cloning a VM on the testbed's libvirt (qemu:///system), ours beside the plain tools, in one run:
 *   - a full clone of a shut-off VM with a 2 GiB disk holding 1 GiB of data, against `qemu-img convert` of
 *     the same disk (target ≤ 1.1×), `virt-clone --auto-clone` beside it (bench/clone/full.ts);
 * Ours is a real app (createApp on a temporary data directory) with the libvirt-URI host `local` and the SSH
 * host kvm-a (this machine's libvirtd over loopback) added; each clone runs through its dispatch as a task.
 * BENCH_SAMPLES (default 5) per way; BENCH_HOSTS=local or ssh runs ours on one host kind only. Everything a
 * sample makes (domains, volumes) is removed, on failure too.
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

requireTestbed('clone bench');

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
  try {
    full = await fullCloneRows(b);
  } finally {
    await b.close();
  }
  const met = printTable('Full clone: ours vs qemu-img convert of the same disk', 'qemu-img convert', full);
  console.log(`\n${conditions(load)}`);
  if (!met) process.exitCode = 1;
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
