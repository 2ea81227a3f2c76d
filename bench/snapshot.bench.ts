/**
 * Taking and reverting a VM snapshot on the testbed's libvirt (qemu:///system, libvirt 9.0: internal qcow2
 * snapshots), three ways, side by side in one run:
 *   ours:     a real app (createApp on a temporary data directory) with the SSH host kvm-a added and synced
 *             (the realistic case: the workstation reaches its host over SSH; kvm-a is this machine's
 *             libvirtd over loopback); `snapshots.create` / `snapshots.revert` through its dispatch, timed
 *             from the call until the task has finished (its task.progress event): the checks before the
 *             task, the task's steps and their records all count;
 *   virsh:    `virsh -c qemu:///system snapshot-create-as` / `snapshot-revert` run here, on the host itself:
 *             the target's baseline. For the SSH host it is the strict one (no transport at all: every
 *             round trip of ours over SSH counts against ours); for the URI host it is the same connection;
 *   ssh:      the same virsh command over an SSH connection to kvm-a that is already open (OpenSSH's
 *             ControlMaster, opened once before the samples): the same kind of connection ours uses, a new
 *             channel and a new virsh per command. (A new `ssh kvm-a virsh …` per command, as this column
 *             was before, adds a whole SSH handshake, ~200 ms here, that neither the app nor a person with a
 *             session open pays: a baseline unfair in ours' favour.)
 * Two VMs of the testbed's kind (type qemu, a 16 MiB qcow2 disk with 12 MiB of written data): one shut off
 * (disk-only snapshots), and one running with 64 MiB of memory (snapshots with memory; BENCH_RUNNING=0 skips
 * it). Each sample runs every way once, in an order that rotates from sample to sample (no way always
 * follows the same one); after each create sample its snapshot is deleted, so each create starts from the
 * same state (only the snapshot `base` there); each revert goes back to `base`. The app's background
 * refresh after a task is joined between samples, not counted.
 * BENCH_SAMPLES (default 15) per way; BENCH_HOST=local runs ours through the libvirt-URI host `local`
 * (qemu:///system from this machine, no SSH) instead, for comparison.
 *
 *   npm run bench:snapshot
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/main/app';
import { inProcessBridge } from '../src/main/ipc/in-process';
import type { Task } from '../src/shared/domain/provision';
import { createClient, type QhciClient } from '../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../tests/helpers/app';
import { virsh } from '../tests/helpers/domains';
import { addLocalHost, addSshHost } from '../tests/helpers/provision';
import { defineDiskVm, qemuIo, removeDiskVm, vmIdOf, type DiskVm } from '../tests/helpers/snapshots';
import { host, testbed } from '../tests/helpers/testbed';
import { percentile, sshToKvmA } from './console/common';

if (!testbed) {
  console.error('snapshot bench: cannot run: the testbed is not up (scripts/testbed.sh up)');
  process.exit(2);
}

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 15);
const RUNNING = process.env.BENCH_RUNNING !== '0';
const TARGET = 1.1;
const LOCAL = process.env.BENCH_HOST === 'local';
const OURS = LOCAL ? 'libvirt-URI host local, qemu:///system' : 'SSH host kvm-a';
const kvm = host('kvm-a');

const ms = () => performance.now();
const stepMs = (s: { startedAt: string | null; finishedAt: string | null }) =>
  s.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : 0;

/**
 * `ssh kvm-a virsh …` over one SSH connection kept open (OpenSSH's ControlMaster), trusting the host key
 * the app has: open() starts the master, run() sends a command through it, close() ends it.
 */
function sshMaster(dataDir: string) {
  const ssh = (...args: string[]) => [
    '-o',
    `ControlPath=${join(dataDir, 'ssh-mux')}`,
    ...args,
    ...sshToKvmA(join(dataDir, 'known_hosts')),
  ];
  return {
    open: () =>
      // The master goes to the background and keeps its output: nothing of it may hold a pipe open.
      execFileSync('ssh', ssh('-o', 'ControlMaster=yes', '-o', 'ControlPersist=yes', '-f', '-N'), {
        stdio: 'ignore',
      }),
    run: (...args: string[]) =>
      execFileSync('ssh', [...ssh('-o', 'ControlMaster=no'), 'virsh', '-c', kvm.uri, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    close: () => {
      try {
        execFileSync('ssh', ssh('-O', 'exit'), { stdio: 'ignore' });
      } catch {
        /* not open */
      }
    },
  };
}

/** The task's end, from its events (no polling delay in the time). */
function waitTask(client: QhciClient, id: string): Promise<Task> {
  return new Promise((resolve) => {
    const done = (t: Task) => t.state !== 'running' && t.state !== 'queued';
    const off = client.on('task.progress', ({ task }) => {
      if (task.id === id && done(task)) {
        off();
        resolve(task);
      }
    });
    void client.call('tasks.get', { id }).then((t) => {
      if (done(t)) {
        off();
        resolve(t);
      }
    });
  });
}

const loadAverage = () =>
  execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');

type Way = 'ours' | 'virsh' | 'ssh';
const WAYS: readonly Way[] = ['ours', 'virsh', 'ssh'];

interface Series {
  readonly label: string;
  readonly times: Record<Way, number[]>;
  /** Our task's steps, ms per sample, and the time outside the task (call, events). */
  readonly steps: Record<string, number[]>;
}

const series = (label: string): Series => ({ label, times: { ours: [], virsh: [], ssh: [] }, steps: {} });

function noteSteps(s: Series, task: Task, total: number): void {
  let inSteps = 0;
  for (const st of task.steps) {
    (s.steps[st.name] ??= []).push(stepMs(st));
    inSteps += stepMs(st);
  }
  (s.steps['(outside the steps)'] ??= []).push(total - inSteps);
}

async function main(): Promise<void> {
  const dataDir = tempDir('qhci-bench-snap-');
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'bench', log: () => undefined });
  const client = createClient(inProcessBridge(app));
  const vms: DiskVm[] = [];
  const results: Series[] = [];
  const load = loadAverage();
  const master = sshMaster(dataDir);
  try {
    await app.ready;
    // kvm-a is added either way: its known_hosts in the data directory serves `ssh kvm-a`.
    const sshHostId = await addSshHost(client, 'kvm-a');
    const hostId = LOCAL ? await addLocalHost(client) : sshHostId;
    master.open();

    /** One VM; `running` starts it. A pattern in 12 MiB of its disk, one snapshot `base` to revert to. */
    const prepare = async (running: boolean) => {
      const vm = defineDiskVm();
      vms.push(vm);
      if (!qemuIo(vm.disk, 'write -P 0xaa 0 12M')) throw new Error('qemu-io could not write the disk');
      if (running) virsh('start', vm.uuid);
      virsh('snapshot-create-as', '--domain', vm.uuid, '--name', 'base');
      return { vm, vmId: await vmIdOf(client, hostId, vm.name) };
    };

    const run = async (running: boolean) => {
      const { vm, vmId } = await prepare(running);
      const what = running ? 'running VM, with memory' : 'shut-off VM, disk only';
      const create = series(`create (${what})`);
      const revert = series(`revert (${what})`);
      const memory = running;
      const del = (name: string) => virsh('snapshot-delete', '--domain', vm.uuid, '--snapshotname', name);

      /** One timed sample of each way of an operation (for a snapshot name), into its series. */
      const waysOf = (
        into: Series,
        ours: (name: string) => Promise<{ taskId: string }>,
        virshArgs: (name: string) => string[],
      ): Record<Way, (name: string) => Promise<void>> => ({
        async ours(name) {
          const t0 = ms();
          const task = await waitTask(client, (await ours(name)).taskId);
          const total = ms() - t0;
          if (task.state !== 'succeeded') throw new Error(`${into.label} failed: ${task.error?.message}`);
          into.times.ours.push(total);
          noteSteps(into, task, total);
          await app.provisioning.drain();
        },
        async virsh(name) {
          const t0 = ms();
          virsh(...virshArgs(name));
          into.times.virsh.push(ms() - t0);
        },
        async ssh(name) {
          const t0 = ms();
          master.run(...virshArgs(name));
          into.times.ssh.push(ms() - t0);
        },
      });
      const createWays = waysOf(
        create,
        (name) => client.call('snapshots.create', { vmId, name, memory }),
        (name) => ['snapshot-create-as', '--domain', vm.uuid, '--name', name],
      );
      const revertWays = waysOf(
        revert,
        () => client.call('snapshots.revert', { vmId, name: 'base' }),
        () => ['snapshot-revert', '--domain', vm.uuid, '--snapshotname', 'base'],
      );

      // Warm-up, not counted: the first of each makes the app's SSH sessions and loads what it loads once.
      await createWays.ours('warm');
      del('warm');
      await revertWays.ours('base');
      create.times.ours.length = 0;
      revert.times.ours.length = 0;
      for (const k of Object.keys(create.steps)) delete create.steps[k];
      for (const k of Object.keys(revert.steps)) delete revert.steps[k];

      for (let i = 0; i < SAMPLES; i++) {
        for (const way of [...WAYS.slice(i % WAYS.length), ...WAYS.slice(0, i % WAYS.length)]) {
          const name = `s-${way}-${i}`;
          await createWays[way](name);
          del(name);
          // Some change on a shut-off disk for the revert to undo (a running VM's memory changes anyway).
          if (!running && !qemuIo(vm.disk, `write -P 0x${(0x10 + i).toString(16)} 0 4M`)) {
            throw new Error('qemu-io could not write the disk');
          }
          await revertWays[way]('base');
        }
        process.stderr.write(`${what}: sample ${i + 1}/${SAMPLES}\n`);
      }
      // The data reverted last is the pattern of `base`.
      if (!running && !qemuIo(vm.disk, 'read -P 0xaa 0 12M')) throw new Error('the revert lost the pattern');
      results.push(create, revert);
    };

    await run(false);
    if (RUNNING) await run(true);
  } finally {
    master.close();
    await app.provisioning.drain().catch(() => undefined);
    app.close();
    for (const vm of vms) removeDiskVm(vm);
    rmSync(dataDir, { recursive: true, force: true });
  }
  report(results, load);
}

function report(results: readonly Series[], load: string): void {
  const f = (x: number) => `${x.toFixed(0)} ms`;
  let allMet = true;
  console.log(`\nSnapshots: ours (${OURS}) vs virsh on the host, ${SAMPLES} samples each\n`);
  console.log(
    '| operation | ours p50 | ours p95 | virsh p50 | virsh p95 | ours / virsh (p50) | target | met? | ' +
      'virsh over open ssh p50 | ours / that (p50) |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|:---:|---:|---:|');
  for (const s of results) {
    const p = (w: Way, q: number) => percentile(s.times[w], q);
    const ratio = p('ours', 50) / p('virsh', 50);
    const met = ratio <= TARGET;
    allMet &&= met;
    console.log(
      `| ${s.label} | ${f(p('ours', 50))} | ${f(p('ours', 95))} | ${f(p('virsh', 50))} | ${f(p('virsh', 95))} | ` +
        `${ratio.toFixed(2)}× | ≤ ${TARGET}× | ${met ? 'yes' : 'NO'} | ${f(p('ssh', 50))} | ` +
        `${(p('ours', 50) / p('ssh', 50)).toFixed(2)}× |`,
    );
  }
  console.log('\nWhere our time goes (p50 of each step, ms)\n');
  for (const s of results) {
    const parts = Object.entries(s.steps).map(([n, xs]) => `${n} ${percentile(xs, 50).toFixed(0)}`);
    console.log(`- ${s.label}: ${parts.join(', ')}`);
  }
  const libvirt = virsh('version', '--daemon').match(/Running against daemon:\s*(\S+)/)?.[1] ?? '?';
  console.log(
    `\nConditions: libvirt ${libvirt}, internal qcow2 snapshots; VMs of type qemu (TCG, boot nothing), 1 vCPU, ` +
      `64 MiB, a 16 MiB qcow2 disk with 12 MiB written; kvm-a is sshd on ${kvm.address}:${kvm.port} (loopback) ` +
      `onto this machine's libvirtd; ${execFileSync('nproc', { encoding: 'utf8' }).trim()} CPUs shared with ` +
      `other work, load average at start ${load}, at the end ${loadAverage()}.`,
  );
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
