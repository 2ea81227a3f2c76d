/**
 * Sync of 50 hosts × 200 domains over SSH (issue 22), beside its floor measured in the same run: the 50
 * single-host floors run concurrently (per host, one SSH connection, one `virsh list` and one virsh that
 * reads every domain's XML, as bench/sync.bench.ts's single-host floor). Cold (connections opened in the
 * measured time, by both) and warm (connections already open). Ours runs in a child process
 * (many-child.ts), whose VmHWM is the peak RSS reported. Then the same cold sync with one more host that
 * accepts TCP and never answers: what it adds is compared with its connect timeout (15 s, the default).
 *
 * The simulated hosts come from scripts/testbed.sh up-many (started here when they are not running).
 * BENCH_HOSTS (default 50) and BENCH_HOST_DOMAINS (default 200) set the size; BENCH_CONCURRENT how many
 * hosts qhci syncs at once (default: the app's limit, 16).
 *
 * What a cold sync costs beyond the floor, per host: the login-shell probe of every new SSH connection,
 * and the check that virsh reaches libvirt (its own virsh process: on a test-driver host each virsh reads
 * the whole node file, as each opens a libvirt connection on a real one); and qhci connects 16 hosts at a
 * time where the floor connects all 50 at once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KnownHosts } from '../../src/main/hosts/known-hosts';
import { SshConnection } from '../../src/main/hosts/ssh-connection';
import { silentHost, startSimHosts, type SimHost } from '../../tests/helpers/sim-hosts';

const HOSTS = Number(process.env.BENCH_HOSTS ?? 50);
const DOMAINS = Number(process.env.BENCH_HOST_DOMAINS ?? 200);
const CONNECT_TIMEOUT_MS = 15_000;
const CHILD = resolve(__dirname, 'many-child.ts');

export interface ManyResult {
  readonly rows: [string, number, number][];
  readonly checks: (readonly [string, boolean, string])[];
}

function child(args: string[]): Record<string, number | string | null> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Record<string, number | string | null>;
}

/** One host's floor: list, then every domain's XML through one virsh. */
async function hostFloor(conn: SshConnection, h: SimHost): Promise<number> {
  const list = await conn.exec(['virsh', '-c', h.uri, 'list', '--all', '--uuid']);
  const ids = list.stdout.split('\n').filter((l) => l.trim());
  const xml = await conn.exec(['virsh', '-c', h.uri, ids.map((u) => `dumpxml ${u}`).join(' ; ')]);
  if (xml.code !== 0 || ids.length !== h.domains) throw new Error(`floor of ${h.name}: ${xml.stderr}`);
  return xml.stdout.length;
}

/** The 50 floors at once: cold (each connects first), then warm over the same connections. */
async function floors(sims: SimHost[], key: string, work: string) {
  const conns = sims.map(
    (h) =>
      new SshConnection(
        { host: h.address, port: h.port, username: h.user, auth: { method: 'key', privateKey: key } },
        {
          knownHosts: new KnownHosts(join(work, 'floor_known_hosts')),
          acceptFingerprint: h.hostKeyFingerprint,
        },
      ),
  );
  try {
    let t0 = performance.now();
    await Promise.all(conns.map(async (c, i) => (await c.connect(), hostFloor(c, sims[i]!))));
    const cold = performance.now() - t0;
    t0 = performance.now();
    await Promise.all(conns.map((c, i) => hostFloor(c, sims[i]!)));
    return { cold, warm: performance.now() - t0 };
  } finally {
    conns.forEach((c) => c.close());
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchMany(): Promise<ManyResult> {
  const sims = startSimHosts(HOSTS, DOMAINS);
  const tb = JSON.parse(
    readFileSync(join(process.env.QHCI_TESTBED_DIR ?? '/tmp/qhci-testbed', 'testbed.json'), 'utf8'),
  ) as {
    clientKey: string;
  };
  const key = readFileSync(tb.clientKey, 'utf8');
  const work = mkdtempSync(join(tmpdir(), 'qhci-bench-many-'));
  const hostsFile = join(work, 'hosts.json');
  writeFileSync(hostsFile, JSON.stringify(sims));
  const data = join(work, 'data');
  const silent = await silentHost();
  try {
    console.log(`\n${HOSTS} simulated hosts × ${DOMAINS} domains: adding them…`);
    child(['setup', data, hostsFile, tb.clientKey]);
    const ours = { cold: [] as number[], warm: [] as number[], hwm: [] as number[] };
    const floor = { cold: [] as number[], warm: [] as number[] };
    let domains = 0;
    for (let r = 0; r < 2; r++) {
      // Alternate which goes first.
      const runOurs = () => {
        const o = child(['run', data, hostsFile, tb.clientKey]);
        if (o.failed !== 0) throw new Error(`${String(o.failed)} host syncs failed`);
        ours.cold.push(Number(o.coldMs));
        ours.warm.push(Number(o.warmMs));
        ours.hwm.push(Number(o.vmHwmKb) / 1024);
        domains = Number(o.domains);
        console.log(
          `  qhci:  cold ${Number(o.coldMs).toFixed(0)} ms, warm ${Number(o.warmMs).toFixed(0)} ms`,
        );
      };
      const runFloor = async () => {
        const f = await floors(sims, key, work);
        floor.cold.push(f.cold);
        floor.warm.push(f.warm);
        console.log(`  floor: cold ${f.cold.toFixed(0)} ms, warm ${f.warm.toFixed(0)} ms`);
      };
      if (r % 2 === 0) {
        runOurs();
        await runFloor();
      } else {
        await runFloor();
        runOurs();
      }
    }
    if (domains !== HOSTS * DOMAINS)
      throw new Error(`synced ${domains} domains, expected ${HOSTS * DOMAINS}`);
    const d = child(['dead', data, hostsFile, tb.clientKey, String(silent.port)]);
    console.log(`  with a silent host: ${JSON.stringify(d)}`);
    const coldOurs = median(ours.cold);
    const coldFloor = median(floor.cold);
    const warmOurs = median(ours.warm);
    const warmFloor = median(floor.warm);
    const hwm = Math.max(...ours.hwm, Number(d.vmHwmKb) / 1024);
    const added = Number(d.totalMs) - coldOurs;
    const rows: [string, number, number][] = [
      [`sync all, cold (connects included)`, coldOurs, coldFloor],
      [`sync all, warm (connections open)`, warmOurs, warmFloor],
      [`cold sync all with a silent host: all done`, Number(d.totalMs), coldOurs],
      [`  … the ${HOSTS} live hosts done`, Number(d.liveDoneMs), coldOurs],
    ];
    const checks = [
      [`cold: qhci / floor = ${(coldOurs / coldFloor).toFixed(2)}x`, coldOurs / coldFloor <= 1.5, '<= 1.5x'],
      [`warm: qhci / floor = ${(warmOurs / warmFloor).toFixed(2)}x`, warmOurs / warmFloor <= 1.5, '<= 1.5x'],
      [`peak RSS (child VmHWM) = ${hwm.toFixed(0)} MB`, hwm <= 300, '<= 300 MB'],
      [
        `silent host adds ${(added / 1000).toFixed(1)} s (fails: ${String(d.deadError)})`,
        added <= CONNECT_TIMEOUT_MS && d.deadError !== null && d.liveFailed === 0,
        `<= ${CONNECT_TIMEOUT_MS / 1000} s`,
      ],
    ] as const;
    return { rows, checks: [...checks] };
  } finally {
    silent.close();
    rmSync(work, { recursive: true, force: true });
  }
}
