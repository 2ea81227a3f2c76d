/**
 * What both clone benches share: the source VM on the testbed's qemu:///system (a 2 GiB qcow2 disk in the
 * testbed pool holding 1 GiB of written data, our cloud-init seed as a CD-ROM, a NIC, shut off), a real app
 * with the libvirt-URI host `local` and the SSH host kvm-a (this machine's libvirtd over loopback), timing a
 * clone task from the call to its end, cleaning up what a sample made, and the numbers and table they print.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp, type App } from '../../src/main/app';
import { inProcessBridge } from '../../src/main/ipc/in-process';
import type { Task } from '../../src/shared/domain/provision';
import { createClient, type QhciClient } from '../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../../tests/helpers/app';
import { defineXml, virsh } from '../../tests/helpers/domains';
import { addLocalHost, addSshHost, makeIso, POOL, POOL_DIR } from '../../tests/helpers/provision';
import { qemuIo, vmIdOf } from '../../tests/helpers/snapshots';
import { host, testbed } from '../../tests/helpers/testbed';
import { TRACE, takeCalls, traceHostCalls, watchProcess, type CallsByStep, type ProcessLoad } from './trace';

/** The median (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Exits with a clear message when the testbed is not up. */
export function requireTestbed(bench: string): void {
  if (!testbed) {
    console.error(`${bench}: cannot run: the testbed is not up (scripts/testbed.sh up)`);
    process.exit(2);
  }
}

export const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
/** BENCH_VERBOSE=1: each sample's time (and ours by step) on stderr as it is taken. */
export const VERBOSE = process.env.BENCH_VERBOSE === '1';
/** Which of our host kinds run: both by default; BENCH_HOSTS=local or =ssh for one. */
export const HOST_KINDS = (['local', 'ssh'] as const).filter(
  (k) => !process.env.BENCH_HOSTS || process.env.BENCH_HOSTS.split(',').includes(k),
);
export type HostKind = (typeof HOST_KINDS)[number];
export const HOST_LABEL: Record<HostKind, string> = {
  local: 'libvirt-URI host qemu:///system',
  ssh: 'SSH host kvm-a',
};

export const ms = () => performance.now();
export const PATTERN = '0x5a';
/** Every domain and file this run makes is named with this prefix (sweep() finds them by it). */
export const RUN_PREFIX = `qhci-t-bclone-${randomUUID().slice(0, 6)}`;

const stepMs = (s: { startedAt: string | null; finishedAt: string | null }) =>
  s.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : 0;

/** Runs a command; its output, or a thrown error with its stderr. */
export function run(cmd: string, args: readonly string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Flushes what the previous sample left dirty in the page cache, so that no sample pays for another's. */
export function settle(): void {
  spawnSync('sync');
}

export interface SourceVm {
  readonly name: string;
  readonly uuid: string;
  readonly disk: string;
  readonly seed: string;
}

/**
 * The source `name`: a 2 GiB qcow2 volume with 1 GiB of non-zero data (qemu-io writes a pattern into its
 * first GiB), our seed `<name>-cidata.iso` as a CD-ROM, a NIC on the default network; type qemu, shut off.
 */
export function defineSourceVm(name: string): SourceVm {
  const uuid = randomUUID();
  const disk = join(POOL_DIR, `${name}-disk0.qcow2`);
  run('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '2G']);
  const seed = makeIso(`${name}-cidata.iso`).path;
  try {
    if (!qemuIo(disk, `write -P ${PATTERN} 0 1G`)) throw new Error('qemu-io could not write the source disk');
    defineXml(`<domain type='qemu'>
  <name>${name}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='${seed}'/>
      <target dev='hdb' bus='ide'/>
      <readonly/>
    </disk>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
  </devices>
</domain>`);
  } catch (err) {
    rmSync(disk, { force: true });
    rmSync(seed, { force: true });
    throw err;
  }
  virsh('pool-refresh', POOL);
  return { name, uuid, disk, seed };
}

/** The files a domain's disks use (`<source file=…>`), or none when it is not defined. */
export function domainFiles(name: string): string[] {
  const r = spawnSync('virsh', ['-c', 'qemu:///system', 'dumpxml', '--inactive', name], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return [...r.stdout.matchAll(/<source file='([^']+)'/g)].map((m) => m[1]!);
}

/**
 * Undefines a domain (with its NVRAM and snapshot metadata) and deletes its files, except those in `keep`
 * (a shared seed, a template's disk); whatever is left of them.
 */
function removeDomain(name: string, keep: readonly string[]): void {
  const files = domainFiles(name);
  spawnSync('virsh', ['-c', 'qemu:///system', 'destroy', name]);
  spawnSync('virsh', ['-c', 'qemu:///system', 'undefine', name, '--nvram', '--snapshots-metadata']);
  for (const f of files) if (!keep.includes(f)) rmSync(f, { force: true });
}

/** Makes the pool list match its directory again (after files were removed behind libvirt's back). */
const refreshPool = () => spawnSync('virsh', ['-c', 'qemu:///system', 'pool-refresh', POOL]);

/**
 * Removes every domain whose name starts with `prefix` and every file in the pool's directory whose name
 * does, except those in `keep`; then refreshes the pool. The bench names all it makes after its source.
 */
export function sweep(prefix: string, keep: readonly string[] = []): void {
  const r = spawnSync('virsh', ['-c', 'qemu:///system', 'list', '--all', '--name'], { encoding: 'utf8' });
  for (const d of r.stdout.split('\n').map((l) => l.trim())) {
    if (d.startsWith(prefix)) removeDomain(d, keep);
  }
  for (const f of readdirSync(POOL_DIR)) {
    const path = join(POOL_DIR, f);
    if (f.startsWith(prefix) && !keep.includes(path)) rmSync(path, { force: true });
  }
  refreshPool();
}

/** libvirt refuses a volume's creation while another is being made or uploaded in the pool (other work). */
const TRANSIENT = /asynchronous jobs running/;

/**
 * Runs one sample; when it fails because other work holds the pool (TRANSIENT), `undo` removes what it
 * left and it runs again, up to 3 times. Returns how many attempts were retried.
 */
export async function withRetry(sample: () => Promise<void>, undo: () => void): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await sample();
      return attempt;
    } catch (err) {
      const text =
        err instanceof Error ? `${err.message} ${String((err as { stderr?: unknown }).stderr)}` : '';
      if (attempt >= 2 || !TRANSIENT.test(text)) throw err;
      undo();
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

/** A real app on a temporary data directory with the hosts asked for added and synced. */
export interface BenchApp {
  readonly app: App;
  readonly client: QhciClient;
  readonly hostIds: Record<HostKind, string>;
  /** Its temporary data directory (removed by close()). */
  readonly dataDir: string;
  /** The VM's id in each host's inventory, after a sync. */
  vmIds(name: string): Promise<Record<HostKind, string>>;
  /** Joins the app's background work, closes it and removes its data directory. */
  close(): Promise<void>;
}

export async function benchApp(): Promise<BenchApp> {
  traceHostCalls();
  const dataDir = tempDir('qhci-bench-clone-');
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'bench', log: () => undefined });
  const client = createClient(inProcessBridge(app));
  const shut = () => {
    app.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const hostIds = {} as Record<HostKind, string>;
    for (const k of HOST_KINDS)
      hostIds[k] = k === 'local' ? await addLocalHost(client) : await addSshHost(client, 'kvm-a');
    return {
      app,
      client,
      hostIds,
      dataDir,
      async vmIds(name) {
        const ids = {} as Record<HostKind, string>;
        for (const k of HOST_KINDS) ids[k] = await vmIdOf(client, hostIds[k], name);
        return ids;
      },
      async close() {
        await app.provisioning.drain().catch(() => undefined);
        shut();
      },
    };
  } catch (err) {
    shut();
    throw err;
  }
}

/** The task's end, from its events (no polling delay in the time). */
export function waitTask(client: QhciClient, id: string): Promise<Task> {
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

/** Times of one way, and for ours where its time went: ms per sample, by step. */
export interface Series {
  readonly times: number[];
  readonly steps: Record<string, number[]>;
  /** Traced (bench/clone/trace.ts): our host calls, by step, and the app process's load during each clone. */
  readonly calls: CallsByStep;
  readonly load: ProcessLoad[];
  /** Traced: each clone's disk copy itself (qemu-img convert on the host), ms; 0 for an overlay. */
  readonly copy: number[];
}
export const series = (): Series => ({ times: [], steps: {}, calls: {}, load: [], copy: [] });

/** Forgets the samples taken so far (after a warm-up). */
export function clearSeries(s: Series): void {
  s.times.length = 0;
  for (const k of Object.keys(s.steps)) delete s.steps[k];
  for (const k of Object.keys(s.calls)) delete s.calls[k];
  s.load.length = 0;
  s.copy.length = 0;
}

/**
 * Times one clone through the app: the call (its checks before the task starts) until the task's end; the
 * task's steps into `into.steps`. The app's background refresh after the task is joined, not counted.
 */
export async function timeOurs(
  b: BenchApp,
  into: Series,
  call: () => Promise<{ taskId: string }>,
): Promise<Task> {
  const since = Date.now();
  const stop = TRACE ? watchProcess() : null;
  const t0 = ms();
  const { taskId } = await call();
  const called = ms() - t0;
  const task = await waitTask(b.client, taskId);
  const total = ms() - t0;
  if (task.state !== 'succeeded') throw new Error(`our clone failed: ${task.error?.message ?? task.state}`);
  into.times.push(total);
  let inSteps = 0;
  (into.steps['(call: checks before the task)'] ??= []).push(called);
  for (const st of task.steps) {
    (into.steps[st.name] ??= []).push(stepMs(st));
    inSteps += stepMs(st);
  }
  (into.steps['(outside the steps)'] ??= []).push(total - called - inSteps);
  if (stop) into.load.push(stop());
  if (TRACE) into.copy.push(takeCalls(task, since, into.calls, VERBOSE));
  if (VERBOSE) {
    const steps = task.steps.map((st) => `${st.name} ${stepMs(st)}`).join(', ');
    process.stderr.write(`  ours ${total.toFixed(0)} ms: call ${called.toFixed(0)}, ${steps}\n`);
  }
  await b.app.provisioning.drain();
  return task;
}

/** Times a synchronous command line (a plain tool). */
export function timeTool(label: string, into: Series, f: () => void): void {
  const t0 = ms();
  f();
  const t = ms() - t0;
  into.times.push(t);
  if (VERBOSE) process.stderr.write(`  ${label} ${t.toFixed(0)} ms\n`);
}

export interface Row {
  readonly what: string;
  readonly ours: Series;
  readonly baseline: Series;
  readonly target: number;
  /** Informational ways shown beside them (no target): label → times. */
  readonly beside?: readonly { readonly label: string; readonly s: Series }[];
}

const secs = (x: number) => `${(x / 1000).toFixed(2)} s`;

/** Prints the table (medians, and min–max) and where our time went; returns whether every target was met. */
export function printTable(title: string, baselineName: string, rows: readonly Row[]): boolean {
  let allMet = true;
  const besides = rows[0]?.beside?.map((b) => b.label) ?? [];
  console.log(`\n${title}, ${SAMPLES} samples each, alternating\n`);
  console.log(
    `| clone | ours median (min–max) | ${baselineName} median (min–max) | ours / baseline (medians) | target | met? | ours − baseline (medians) |` +
      besides.map((l) => ` ${l} median (min–max) |`).join(''),
  );
  console.log(`|---|---:|---:|---:|---:|:---:|---:|${besides.map(() => '---:|').join('')}`);
  const cell = (s: Series) =>
    `${secs(median(s.times))} (${secs(Math.min(...s.times))}–${secs(Math.max(...s.times))})`;
  for (const r of rows) {
    const ratio = median(r.ours.times) / median(r.baseline.times);
    const met = ratio <= r.target;
    allMet &&= met;
    console.log(
      `| ${r.what} | ${cell(r.ours)} | ${cell(r.baseline)} | ${ratio.toFixed(2)}× | ≤ ${r.target}× | ` +
        `${met ? 'yes' : 'NO'} | ${secs(median(r.ours.times) - median(r.baseline.times))} |${(r.beside ?? []).map((b) => ` ${cell(b.s)} |`).join('')}`,
    );
  }
  console.log('\nWhere our time goes (median of each step, ms)\n');
  for (const r of rows) {
    const parts = Object.entries(r.ours.steps).map(([n, xs]) => `${n} ${median(xs).toFixed(0)}`);
    console.log(`- ${r.what}: ${parts.join(', ')}`);
  }
  if (TRACE) {
    console.log('\nOur host calls, traced: per step, median count and their median total time\n');
    for (const r of rows) {
      const parts = Object.entries(r.ours.calls).map(
        ([n, c]) => `${n} ${median(c.n)} calls ${median(c.ms).toFixed(0)} ms`,
      );
      const l = r.ours.load;
      const load =
        `app process: CPU ${median(l.map((x) => x.cpuMs)).toFixed(0)} ms, event loop delay mean ` +
        `${median(l.map((x) => x.loopMeanMs)).toFixed(0)} ms, max ${median(l.map((x) => x.loopMaxMs)).toFixed(0)} ms`;
      console.log(`- ${r.what}: ${parts.join(', ')}; ${load}`);
    }
    const copied = rows.filter((r) => median(r.ours.copy) > 0);
    if (copied.length) {
      console.log(
        '\nThe disk copy apart (it varies with the shared disk, the rest does not): what ours would take if its copy ' +
          "took the baseline's median\n",
      );
    }
    for (const r of copied) {
      const rest = median(r.ours.times.map((t, i) => t - (r.ours.copy[i] ?? 0)));
      const base = median(r.baseline.times);
      const est = (base + rest) / base;
      console.log(
        `- ${r.what}: our copy ${median(r.ours.copy).toFixed(0)} ms, the baseline ${base.toFixed(0)} ms; ` +
          `ours besides the copy ${rest.toFixed(0)} ms → ${((base + rest) / 1000).toFixed(2)} s, ` +
          `${est.toFixed(2)}× (target ≤ ${r.target}×)`,
      );
    }
  }
  return allMet;
}

/** The conditions line: libvirt, qemu-img, CPUs and the load when the bench began. */
export function conditions(load: string): string {
  const libvirt = virsh('version', '--daemon').match(/Running against daemon:\s*(\S+)/)?.[1] ?? '?';
  const qemuImg = run('qemu-img', ['--version']).match(/version (\S+)/)?.[1] ?? '?';
  const fs = run('stat', ['-f', '-c', '%T', POOL_DIR]).trim();
  const kvm = host('kvm-a');
  return (
    `Conditions: libvirt ${libvirt}, qemu-img ${qemuImg}; pool ${POOL} (${POOL_DIR}, ${fs}); kvm-a is sshd on ` +
    `${kvm.address}:${kvm.port} (loopback) onto this machine's libvirtd; ` +
    `${run('nproc', []).trim()} CPUs shared with other work, load average at start ${load}; ` +
    '`sync` before each sample (not timed).'
  );
}

export const loadAverage = () => run('cat', ['/proc/loadavg']).split(' ').slice(0, 3).join(' ');
