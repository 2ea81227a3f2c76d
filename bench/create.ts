/**
 * Creating one cloud-image VM with cloud-init on the testbed's qemu:///system (pool qhci-testbed, network
 * default, a small qcow2 image made here, 128 MiB, 1 vCPU, 256 MiB overlay), four ways, side by side:
 *   (a) `bin/qhci vm create` as a cold process (process start included), host `local` added beforehand; the
 *       script builds the bundle first (npm run build:cli), so this is the tool as installed, not tsx;
 *   (b) `virt-install --import --cloud-init …`;
 *   (c) the plain-tools floor: qemu-img create (overlay), genisoimage (seed), virsh define, virsh start;
 *   (d) warm: the same creation through an in-process app (createApp + vms.create, waiting for the task).
 * Every way gets the same seed (the user-data and meta-data QHCI generates for that name) and, for (c), the
 * same domain XML; every run is cleaned up before the next. Rounds interleave the ways so that load on the
 * machine falls on all of them alike. BENCH_RUNS (default 5) sets the runs per way.
 *
 *   npm run bench:create
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/main/app';
import { inProcessBridge } from '../src/main/ipc/in-process';
import type { CreateVmRequestInput, Task } from '../src/shared/domain/provision';
import { createClient } from '../src/shared/ipc/transport';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const URI = 'qemu:///system';
const POOL = 'qhci-testbed';
const POOL_DIR = '/var/lib/libvirt/images/qhci-testbed';
const ROOT = resolve(__dirname, '..');
const MIGRATIONS = join(ROOT, 'migrations');
const QHCI = join(ROOT, 'bin/qhci');
const MiB = 1024 ** 2;
const DISK = '256M';

const work = mkdtempSync(join(tmpdir(), 'qhci-bench-create-'));
const tag = randomUUID().slice(0, 6);
const IMAGE = `qt-bench-${tag}-cloud.qcow2`;
const IMAGE_PATH = join(POOL_DIR, IMAGE);

const virsh = (...args: string[]) =>
  execFileSync('virsh', ['-c', URI, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const quiet = (f: () => unknown) => {
  try {
    f();
  } catch {
    /* already gone */
  }
};

/** Removes a domain and every file it uses except the shared image. */
function cleanup(name: string): void {
  let files: string[] = [];
  try {
    files = [...virsh('dumpxml', name).matchAll(/<source file='([^']+)'/g)].map((m) => m[1]!);
  } catch {
    /* never defined */
  }
  quiet(() => virsh('destroy', name));
  quiet(() => virsh('undefine', name, '--nvram'));
  for (const f of new Set([
    ...files,
    join(POOL_DIR, `${name}-disk0.qcow2`),
    join(POOL_DIR, `${name}-cidata.iso`),
    join(POOL_DIR, `${name}.qcow2`),
  ])) {
    if (f !== IMAGE_PATH) rmSync(f, { force: true });
  }
  quiet(() => virsh('pool-refresh', POOL));
}

const ms = () => performance.now();
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const min = (xs: readonly number[]) => Math.min(...xs);
const secs = (x: number) => `${(x / 1000).toFixed(2)} s`;
const stepMs = (s: { startedAt: string | null; finishedAt: string | null }) =>
  s.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : 0;

// ---- Setup: the image, a cold data dir with `local`, a warm app with `local`. ----

execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', IMAGE_PATH, '64M']);
virsh('pool-refresh', POOL);
const coldDir = join(work, 'cold');
const addLocal = spawnSync(QHCI, ['--data-dir', coldDir, 'host', 'add', 'local', '--uri', URI], {
  encoding: 'utf8',
});
if (addLocal.status !== 0) throw new Error(`qhci host add failed: ${addLocal.stderr}`);

const app = createApp({ dataDir: join(work, 'warm'), migrationsDir: MIGRATIONS, version: 'bench' });
const client = createClient(inProcessBridge(app));

function request(name: string, imageId: string, hostId: string): CreateVmRequestInput {
  return {
    name,
    placement: { hostId },
    compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB },
    disks: [{ kind: 'new', sizeBytes: 256 * MiB, pool: POOL }],
    nics: [{ network: 'default' }],
    boot: { kind: 'cloud-image', imageId },
    profile: 'debian',
    customization: { hostname: name, timezone: 'UTC', user: 'bench' },
  };
}

/** The same request as flags, for (a). */
const cliArgs = (name: string) => [
  'vm',
  'create',
  name,
  '--host',
  'local',
  '--cloud-image',
  IMAGE,
  '--disk',
  `${DISK}:${POOL}`,
  '--network',
  'default',
  '--memory',
  '128M',
  '--profile',
  'debian',
  '--hostname',
  name,
  '--timezone',
  'UTC',
  '--user',
  'bench',
];

function waitTask(id: string): Promise<Task> {
  return new Promise((resolveTask) => {
    const off = client.on('task.progress', ({ task }) => {
      if (task.id === id && task.state !== 'running' && task.state !== 'queued') {
        off();
        resolveTask(task);
      }
    });
    void client.call('tasks.get', { id }).then((t) => {
      if (t.state !== 'running' && t.state !== 'queued') {
        off();
        resolveTask(t);
      }
    });
  });
}

interface Sample {
  total: number;
  start?: number;
  steps?: Record<string, number>;
  parts?: Record<string, number>;
}

async function main() {
  await app.ready;
  const hostId = (
    await client.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: URI } })
  ).id;
  const imageId = (await client.call('images.list', { hostId, kind: 'cloud-image' })).find(
    (i) => i.name === IMAGE,
  )!.id;

  /** The seed files and domain XML QHCI would use for this name (a dry run; books nothing). */
  async function preview(name: string) {
    const p = await client.call('vms.preview', { request: request(name, imageId, hostId) });
    const item = p.items[0]!;
    const dir = mkdtempSync(join(work, 'seed-'));
    writeFileSync(join(dir, 'user-data'), item.userData ?? '');
    writeFileSync(join(dir, 'meta-data'), item.metaData ?? '');
    writeFileSync(join(dir, 'domain.xml'), item.domainXml);
    return { dir, xml: join(dir, 'domain.xml') };
  }

  const ways = {
    async a(name: string): Promise<Sample> {
      const t0 = ms();
      const r = spawnSync(QHCI, ['--data-dir', coldDir, '--json', ...cliArgs(name)], { encoding: 'utf8' });
      const total = ms() - t0;
      if (r.status !== 0) throw new Error(`(a) failed: ${r.stderr}`);
      const task = (JSON.parse(r.stdout) as Task[])[0]!;
      const steps = Object.fromEntries(task.steps.map((s) => [s.name, stepMs(s)]));
      const taskMs = Date.parse(task.finishedAt!) - Date.parse(task.createdAt);
      return { total, start: steps.start, steps, parts: { task: taskMs, outside: total - taskMs } };
    },
    async b(name: string): Promise<Sample> {
      const { dir } = await preview(name);
      const t0 = ms();
      execFileSync(
        'virt-install',
        [
          '--connect',
          URI,
          '--import',
          '--name',
          name,
          '--memory',
          '128',
          '--vcpus',
          '1',
          '--osinfo',
          'linux2022',
          '--noautoconsole',
          '--network',
          'network=default',
          '--disk',
          `size=0.25,pool=${POOL},backing_store=${IMAGE_PATH},backing_format=qcow2`,
          '--cloud-init',
          `user-data=${join(dir, 'user-data')},meta-data=${join(dir, 'meta-data')}`,
        ],
        { stdio: 'ignore' },
      );
      return { total: ms() - t0 };
    },
    async c(name: string): Promise<Sample> {
      const { dir, xml } = await preview(name);
      const parts: Record<string, number> = {};
      const timed = (part: string, f: () => unknown) => {
        const t = ms();
        f();
        parts[part] = ms() - t;
      };
      const t0 = ms();
      timed('qemu-img', () =>
        execFileSync('qemu-img', [
          'create',
          '-q',
          '-f',
          'qcow2',
          '-b',
          IMAGE_PATH,
          '-F',
          'qcow2',
          join(POOL_DIR, `${name}-disk0.qcow2`),
          DISK,
        ]),
      );
      timed('genisoimage', () =>
        execFileSync(
          'genisoimage',
          [
            '-quiet',
            '-output',
            join(POOL_DIR, `${name}-cidata.iso`),
            '-volid',
            'cidata',
            '-joliet',
            '-rock',
            join(dir, 'user-data'),
            join(dir, 'meta-data'),
          ],
          { stdio: 'ignore' },
        ),
      );
      timed('virsh define', () => virsh('define', xml));
      timed('virsh start', () => virsh('start', name));
      return { total: ms() - t0, start: parts['virsh start'], parts };
    },
    async d(name: string): Promise<Sample> {
      const t0 = ms();
      const started = await client.call('vms.create', { request: request(name, imageId, hostId) });
      const task = await waitTask(started.taskIds[0]!);
      const total = ms() - t0;
      if (task.state !== 'succeeded') throw new Error(`(d) failed: ${task.error?.message}`);
      const steps = Object.fromEntries(task.steps.map((s) => [s.name, stepMs(s)]));
      // Not in the total: the inventory refresh the app starts after a creation (its domain, pools and new
      // volumes, in the background; `qhci` waits for it before it exits), joined so that runs do not overlap.
      const r0 = ms();
      await app.provisioning.drain();
      return { total, start: steps.start, steps, parts: { refresh: ms() - r0 } };
    },
  };

  // Warm-up (not counted): the app's first creation loads what it loads once.
  const warm = `qt-bench-${tag}-warmup`;
  await ways.d(warm);
  cleanup(warm);
  await client.call('hosts.sync', { id: hostId });

  const samples: Record<keyof typeof ways, Sample[]> = { a: [], b: [], c: [], d: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const way of ['a', 'b', 'c', 'd'] as const) {
      const name = `qt-bench-${tag}-${way}${i}`;
      try {
        samples[way].push(await ways[way](name));
      } finally {
        cleanup(name);
      }
      process.stderr.write(
        `run ${i + 1}/${RUNS} (${way}): ${secs(samples[way][samples[way].length - 1]?.total ?? NaN)}\n`,
      );
    }
    await client.call('hosts.sync', { id: hostId });
  }
  report(samples);
}

function report(s: Record<'a' | 'b' | 'c' | 'd', Sample[]>) {
  const totals = (k: 'a' | 'b' | 'c' | 'd') => s[k].map((x) => x.total);
  const med = (k: 'a' | 'b' | 'c' | 'd') => median(totals(k));
  const floor = med('c');
  const floorStart = median(s.c.map((x) => x.start ?? 0));
  const mark = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const rows: [string, string, string, string, string][] = [
    ['way', 'median', 'min', '× floor', 'target'],
    ['(a) qhci vm create, cold process', secs(med('a')), secs(min(totals('a'))), '', ''],
    ['(b) virt-install --import --cloud-init', secs(med('b')), secs(min(totals('b'))), '', ''],
    ['(c) floor: qemu-img, genisoimage, define, start', secs(floor), secs(min(totals('c'))), '1.00', ''],
    ['    of which virsh start', secs(floorStart), secs(min(s.c.map((x) => x.start ?? 0))), '', ''],
    ['(d) warm in-process app (vms.create → task done)', secs(med('d')), secs(min(totals('d'))), '', ''],
  ];
  const ratioA = med('a') / floor;
  rows[1]![3] = ratioA.toFixed(2);
  rows[1]![4] = `≤ 1.30: ${mark(ratioA <= 1.3)}`;
  rows[2]![3] = (med('b') / floor).toFixed(2);
  rows[5]![3] = (med('d') / floor).toFixed(2);
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\nCreating one cloud-image VM with cloud-init, ${RUNS} runs each (${URI}, pool ${POOL})\n`);
  for (const r of rows)
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );

  // Our own overhead is what the warm app spends beyond the plain tools. Both include libvirt's own start
  // (qhci starts the domain in the same virsh process as define, so its start cannot be timed apart); the
  // difference excludes it.
  const overhead = (med('d') - floor) / floor;
  const overheadMin = (Math.min(...totals('d')) - Math.min(...totals('c'))) / Math.min(...totals('c'));
  console.log(
    `\nwarm overhead (d − floor) / floor, medians:           ${(overhead * 100).toFixed(0)} %  (target ≤ 10 %: ${mark(overhead <= 0.1)})` +
      `\n  the same from the fastest runs:                      ${(overheadMin * 100).toFixed(0)} %` +
      `\n  our own time (d − floor, libvirt's start excluded):  ${secs(med('d') - floor)}`,
  );

  const stepNames = ['validate', 'place', 'image', 'disks', 'seed', 'define', 'start', 'ready', 'done'];
  const stepMed = (k: 'a' | 'd', n: string) => median(s[k].map((x) => x.steps?.[n] ?? 0));
  console.log('\nWhere the time goes (medians)');
  const prof: string[][] = [['task step', '(a) cold', '(d) warm', 'floor equivalent']];
  const floorPart = (p: string) => secs(median(s.c.map((x) => x.parts?.[p] ?? 0)));
  const equiv: Record<string, string> = {
    disks: `qemu-img ${floorPart('qemu-img')}`,
    seed: `genisoimage ${floorPart('genisoimage')}`,
    define: `virsh define ${floorPart('virsh define')}`,
    start: `virsh start ${floorPart('virsh start')}`,
  };
  for (const n of stepNames) prof.push([n, secs(stepMed('a', n)), secs(stepMed('d', n)), equiv[n] ?? '']);
  const tasks = s.a.map((x) => x.parts?.task ?? 0);
  const outside = s.a.map((x) => x.parts?.outside ?? 0);
  prof.push(['(a) whole task, created → finished', secs(median(tasks)), '', '']);
  prof.push(['(a) outside the task: process, app, lookups, refresh', secs(median(outside)), '', '']);
  prof.push([
    'inventory refresh after the task (awaited by qhci only)',
    '',
    secs(median(s.d.map((x) => x.parts?.refresh ?? 0))),
    '',
  ]);
  const pw = prof[0]!.map((_, i) => Math.max(...prof.map((r) => r[i]!.length)));
  for (const r of prof)
    console.log(
      r
        .map((c, i) => c.padEnd(pw[i]!))
        .join('  ')
        .trimEnd(),
    );
}

// virt-install keeps its cloud-init seeds in a storage pool named "boot" that it defines (autostarted) when
// it is missing; one left behind would take the testbed's unpinned disks in later test runs.
const BOOT_POOL_BEFORE = (() => {
  try {
    virsh('pool-info', 'boot');
    return true;
  } catch {
    return false;
  }
})();

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await app.provisioning.drain();
    app.close();
    rmSync(IMAGE_PATH, { force: true });
    quiet(() => virsh('pool-refresh', POOL));
    if (!BOOT_POOL_BEFORE) {
      quiet(() => virsh('pool-destroy', 'boot'));
      quiet(() => virsh('pool-undefine', 'boot'));
    }
    rmSync(work, { recursive: true, force: true });
    // Host connections a background refresh may hold are not waited for.
    setTimeout(() => process.exit(), 100).unref();
  });
