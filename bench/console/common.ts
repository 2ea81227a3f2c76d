/**
 * What both console benches share: the real Debian guest on the testbed, a real app with the SSH host kvm-a
 * that knows it, the page's end of a console port, and the numbers and table they print.
 *
 * BENCH_GUEST_UUID=<uuid of a running guest from tests/helpers/console-guest.ts> reuses that guest (it is
 * then left running) instead of booting one, which takes about a minute under TCG.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { createApp, type App } from '../../src/main/app';
import { nodePortEnd } from '../../src/main/consoles/node-port';
import { inProcessBridge } from '../../src/main/ipc/in-process';
import type { ConsoleKind, ConsoleOpened } from '../../src/shared/domain/console';
import { parseStreamDown, STREAM_ACK_EVERY, type StreamDown } from '../../src/shared/ipc/streams';
import { createClient, type QhciClient } from '../../src/shared/ipc/transport';
import { MIGRATIONS_DIR, tempDir } from '../../tests/helpers/app';
import { NO_GUEST, startGuest, waitForAgent, type Guest } from '../../tests/helpers/console-guest';
import { virsh } from '../../tests/helpers/domains';
import { addSshHost } from '../../tests/helpers/provision';
import { host, testbed } from '../../tests/helpers/testbed';

/** Exits with a clear message when the testbed or the guest image is not there. */
export function requireGuestImage(bench: string): void {
  if (NO_GUEST) {
    console.error(
      `${bench}: cannot run: ${NO_GUEST}.\n` +
        'It needs the testbed (scripts/testbed.sh up) and the real Debian guest image ' +
        '(QHCI_CLOUD_IMAGE=…/debian-12-cloudinit.qcow2 from ../shared/tools/cloud-guest.sh build).',
    );
    process.exit(2);
  }
}

/** The guest, booted to its services (or the one BENCH_GUEST_UUID names); remove() leaves a reused one. */
export async function bootGuest(): Promise<Guest> {
  const reuse = process.env.BENCH_GUEST_UUID;
  if (reuse) {
    const name = virsh('domname', reuse).trim();
    return { uuid: reuse, name, remove: () => undefined };
  }
  const guest = startGuest(`qhci-t-bench-${Math.random().toString(16).slice(2, 8)}`);
  console.log(`Booting the Debian guest ${guest.name} (about a minute under TCG)…`);
  if (!(await waitForAgent(guest.uuid))) {
    guest.remove();
    throw new Error('The guest did not boot within 4 minutes');
  }
  return guest;
}

/** How the guest runs, for the conditions line. */
export function conditions(guest: Guest): string {
  const type = /<domain type='(\w+)'/.exec(virsh('dumpxml', guest.uuid))?.[1] ?? '?';
  const accel = type === 'kvm' ? 'KVM' : 'TCG (no KVM: software emulation)';
  const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ').slice(0, 3).join(' ');
  return `guest: Debian 12, 1 vCPU, accelerator ${accel} (testbed: ${testbed?.accel ?? 'not probed'}); host kvm-a over SSH on loopback; ${execFileSync('nproc', { encoding: 'utf8' }).trim()} CPUs, load average at start ${load}`;
}

export interface BenchApp {
  readonly app: App;
  readonly client: QhciClient;
  readonly hostId: string;
  readonly vmId: string;
  /** Its data directory (known_hosts there trusts kvm-a's key, as the app was told to). */
  readonly dataDir: string;
  /** A console opened through the app's dispatch and attached to a Node MessagePort, as a window's is. */
  open(kind: ConsoleKind): Promise<{ opened: ConsoleOpened; page: PageEnd }>;
  close(): void;
}

/** A real app on a temporary data directory with kvm-a added over SSH and synced. */
export async function benchApp(guest: Guest): Promise<BenchApp> {
  const dataDir = tempDir('qhci-bench-console-');
  const app = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'bench', log: () => undefined });
  const client = createClient(inProcessBridge(app));
  try {
    const hostId = await addSshHost(client, 'kvm-a');
    await client.call('hosts.sync', { id: hostId });
    const vm = (await client.call('vms.list', { hostId })).find(
      (v) => app.repos.vms.uuid(v.id) === guest.uuid,
    );
    if (!vm) throw new Error(`the guest ${guest.name} is not in kvm-a's inventory after a sync`);
    return {
      app,
      client,
      hostId,
      vmId: vm.id,
      dataDir,
      async open(kind) {
        const opened = await client.call('consoles.open', { vmId: vm.id, kind, cols: 80, rows: 24 });
        const { port1, port2 } = new MessageChannel();
        app.consoles.attach(opened.sessionId, nodePortEnd(port1), 'bench');
        return { opened, page: new PageEnd(port2) };
      },
      close() {
        app.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    app.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The page's end of a console port, in Node: what the renderer's PortStream does (the bench may not import
 * renderer code): check each message, hand the bytes on, acknowledge every STREAM_ACK_EVERY bytes used.
 */
export class PageEnd {
  end: Extract<StreamDown, { t: 'end' }> | null = null;
  private readonly listeners: ((b: Uint8Array) => void)[] = [];
  private unacked = 0;

  constructor(readonly port: MessagePort) {
    port.on('message', (m: unknown) => {
      const msg = parseStreamDown(m);
      if (msg?.t === 'data') {
        const bytes = new Uint8Array(msg.b);
        for (const l of this.listeners) l(bytes);
        // The page's consumer (noVNC, xterm.js) takes the chunk synchronously: used once delivered.
        this.unacked += bytes.byteLength;
        if (this.unacked >= STREAM_ACK_EVERY) {
          port.postMessage({ t: 'ack', n: this.unacked });
          this.unacked = 0;
        }
      } else if (msg?.t === 'end') this.end = msg;
    });
  }

  onData(listener: (b: Uint8Array) => void): void {
    this.listeners.push(listener);
  }

  /** As PortStream.send: a copy, transferred (a Buffer's slice() would be a view of its shared pool). */
  write(bytes: Uint8Array): void {
    const b = new Uint8Array(bytes).buffer;
    this.port.postMessage({ t: 'data', b }, [b]);
  }
}

/**
 * The arguments of OpenSSH's `ssh` to kvm-a with the testbed's key, trusting only the host keys in
 * `knownHosts` (an app's data directory has kvm-a's, as the app was told to); the remote command follows.
 */
export function sshToKvmA(knownHosts: string): string[] {
  const kvm = host('kvm-a');
  return [
    '-i',
    testbed!.clientKey,
    '-p',
    String(kvm.port),
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'LogLevel=ERROR',
    `${kvm.user}@${kvm.address}`,
  ];
}

// ---- Numbers ----

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i]!;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Row {
  readonly what: string;
  readonly ours: number;
  readonly baseline: number;
  readonly unit: string;
  /** Ratio ours/baseline must be at most (`max`) or at least (`min`) this; no target: informational. */
  readonly target?: { readonly max: number } | { readonly min: number };
  readonly digits?: number;
}

/** Prints the markdown table; returns whether every target was met. */
export function printTable(rows: readonly Row[]): boolean {
  let allMet = true;
  console.log('| measure | ours | baseline | ours / baseline | target | met? |');
  console.log('|---|---:|---:|---:|---:|:---:|');
  for (const r of rows) {
    const ratio = r.ours / r.baseline;
    const d = r.digits ?? 1;
    let target = '—';
    let met = '—';
    if (r.target) {
      const ok = 'max' in r.target ? ratio <= r.target.max : ratio >= r.target.min;
      target = 'max' in r.target ? `≤ ${r.target.max}×` : `≥ ${r.target.min}×`;
      met = ok ? 'yes' : 'NO';
      allMet &&= ok;
    }
    console.log(
      `| ${r.what} | ${r.ours.toFixed(d)} ${r.unit} | ${r.baseline.toFixed(d)} ${r.unit} | ${ratio.toFixed(2)}× | ${target} | ${met} |`,
    );
  }
  return allMet;
}
