/**
 * Two cases (BENCH_CASE=single|many, default both):
 * single: sync of a host with many domains, over SSH, beside two baselines measured in the same run:
 *   - the floor: one virsh process that reads every domain's XML, through one SSH session;
 *   - the per-domain pattern: one `virsh dumpxml` process per domain (over the same SSH connection;
 *     BENCH_PER_DOMAIN=0 leaves it out: it takes about 100 s).
 *   Needs the testbed (scripts/testbed.sh up). Domains are defined on its qemu:///system and removed after.
 *   BENCH_DOMAINS (default 1000) sets how many.
 * many: 50 hosts × 200 domains over SSH beside 50 single-host floors run at once (bench/sync/many.ts).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/main/app';
import { KnownHosts } from '../src/main/hosts/known-hosts';
import { SshConnection } from '../src/main/hosts/ssh-connection';
import { benchMany } from './sync/many';

const N = Number(process.env.BENCH_DOMAINS ?? 1000);
const CASES = (process.env.BENCH_CASE ?? 'single,many').split(',');
const PER_DOMAIN = process.env.BENCH_PER_DOMAIN !== '0';
const RUNS = 3;
const STATE = process.env.QHCI_TESTBED_DIR ?? '/tmp/qhci-testbed';
const testbed = JSON.parse(readFileSync(join(STATE, 'testbed.json'), 'utf8')) as {
  clientKey: string;
  hosts: { name: string; address: string; port: number; user: string; hostKeyFingerprint: string }[];
};
const kvm = testbed.hosts.find((h) => h.name === 'kvm-a')!;
const work = mkdtempSync(join(tmpdir(), 'qhci-bench-sync-'));
const virshLocal = (script: string) =>
  execFileSync('virsh', ['-c', 'qemu:///system', script], { stdio: ['ignore', 'ignore', 'pipe'] });

function batches(cmds: string[], max = 90_000): string[] {
  const out: string[] = [];
  let cur = '';
  for (const c of cmds) {
    if (cur.length + c.length + 3 > max && cur) {
      out.push(cur);
      cur = '';
    }
    cur += `${c} ; `;
  }
  if (cur) out.push(cur);
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function benchSingle() {
  console.log(`Defining ${N} domains on ${kvm.name} (qemu:///system)…`);
  const uuids: string[] = [];
  const defines: string[] = [];
  for (let i = 0; i < N; i++) {
    const uuid = randomUUID();
    uuids.push(uuid);
    const file = join(work, `d${i}.xml`);
    writeFileSync(
      file,
      `<domain type='qemu'><name>qhci-bench-${String(i).padStart(4, '0')}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os><features><acpi/></features><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/libvirt/images/qhci-bench-${i}.qcow2'/><target dev='vda' bus='virtio'/></disk><interface type='network'><source network='default'/><model type='virtio'/></interface><graphics type='vnc' autoport='yes'/></devices></domain>`,
    );
    defines.push(`define ${file}`);
  }
  for (const b of batches(defines)) virshLocal(b);

  const conn = new SshConnection(
    {
      host: kvm.address,
      port: kvm.port,
      username: kvm.user,
      auth: { method: 'key', privateKey: readFileSync(testbed.clientKey, 'utf8') },
    },
    { knownHosts: new KnownHosts(join(work, 'known_hosts')), acceptFingerprint: kvm.hostKeyFingerprint },
  );
  const app = createApp({
    dataDir: join(work, 'data'),
    migrationsDir: resolve(__dirname, '../migrations'),
    log: () => undefined,
  });
  try {
    await conn.connect();
    // Warm both paths once (first qemu capability probe, connection set-up).
    const host = await app.handlers['hosts.add']({
      projectId: undefined,
      name: 'bench',
      connection: {
        kind: 'ssh',
        address: kvm.address,
        port: kvm.port,
        user: kvm.user,
        auth: { method: 'key', keyFile: testbed.clientKey },
        uri: 'qemu:///system',
      },
      acceptFingerprint: kvm.hostKeyFingerprint,
    });

    const ours: number[] = [];
    const floor: number[] = [];
    let synced = 0;
    for (let r = 0; r < RUNS; r++) {
      let t0 = performance.now();
      const report = await app.hosts.sync(host.id);
      ours.push(performance.now() - t0);
      synced = report.domains;
      console.log(`  sync ${r + 1}: ${JSON.stringify(report.phases)}`);

      t0 = performance.now();
      const list = await conn.exec(['virsh', '-c', 'qemu:///system', 'list', '--all', '--uuid']);
      const ids = list.stdout.split('\n').filter((l) => l.trim());
      let bytes = 0;
      for (const b of batches(ids.map((u) => `dumpxml ${u}`))) {
        const out = await conn.exec(['virsh', '-c', 'qemu:///system', b]);
        bytes += out.stdout.length;
      }
      floor.push(performance.now() - t0);
      if (bytes === 0) throw new Error('the floor read nothing');
    }

    let perDomain = NaN;
    if (PER_DOMAIN) {
      console.log(`Per-domain pattern: ${uuids.length} virsh processes…`);
      const t0 = performance.now();
      for (const u of uuids) {
        const r = await conn.exec(['virsh', '-c', 'qemu:///system', 'dumpxml', u]);
        if (r.code !== 0) throw new Error(r.stderr);
      }
      perDomain = performance.now() - t0;
    }
    const peakRssMb = process.resourceUsage().maxRSS / 1024;

    const o = median(ours);
    const f = median(floor);
    console.log(
      `\nSync of ${synced} domains over SSH (median of ${RUNS} runs; per-domain pattern run once)\n`,
    );
    const rows: [string, number][] = [
      ['qhci full sync (read, parse, store)', o],
      ['floor: one virsh, all XMLs, one SSH session', f],
      ...(PER_DOMAIN ? [['per-domain: one virsh dumpxml per domain', perDomain] as [string, number]] : []),
    ];
    for (const [name, ms] of rows) console.log(`${name.padEnd(48)}${ms.toFixed(0).padStart(8)} ms`);
    const checks = [
      [`qhci / floor = ${(o / f).toFixed(2)}x`, o / f <= 1.3, '<= 1.3x'],
      ...(PER_DOMAIN
        ? [[`per-domain / qhci = ${(perDomain / o).toFixed(1)}x`, perDomain / o >= 15, '>= 15x'] as const]
        : []),
      [`peak RSS = ${peakRssMb.toFixed(0)} MB`, peakRssMb <= 200, '<= 200 MB'],
    ] as const;
    console.log('');
    for (const [what, ok, target] of checks)
      console.log(`${what.padEnd(40)} target ${target.padEnd(10)} ${ok ? 'MET' : 'MISSED'}`);
    if (synced < N) throw new Error(`synced ${synced} domains, expected at least ${N}`);
    if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
  } finally {
    conn.close();
    app.close();
    for (const b of batches(uuids.map((u) => `undefine ${u}`))) {
      try {
        virshLocal(b);
      } catch {
        /* some may be gone */
      }
    }
    rmSync(work, { recursive: true, force: true });
  }
}

async function main() {
  if (CASES.includes('single')) await benchSingle();
  if (CASES.includes('many')) {
    const { rows, checks } = await benchMany();
    console.log(`\nSync of many hosts over SSH (median of 2 runs; the silent-host run once)\n`);
    console.log(`${''.padEnd(48)}${'qhci'.padStart(10)}${'baseline'.padStart(10)}  baseline is`);
    const what = ['floor, cold', 'floor, warm', 'qhci, no silent host', 'qhci, no silent host'];
    rows.forEach(([name, ours, base], i) =>
      console.log(
        `${name.padEnd(48)}${`${ours.toFixed(0)} ms`.padStart(10)}${`${base.toFixed(0)} ms`.padStart(10)}  ${what[i]!}`,
      ),
    );
    console.log('');
    for (const [w, ok, target] of checks)
      console.log(`${w.padEnd(60)} target ${target.padEnd(10)} ${ok ? 'MET' : 'MISSED'}`);
    if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
  }
}

void main();
