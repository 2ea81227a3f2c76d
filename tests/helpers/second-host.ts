/**
 * kvm-b, the testbed's second real libvirt host (scripts/testbed.sh up-b; issue 23): a libvirtd + virtlogd of
 * its own in a private mount namespace, so /var/lib/libvirt there is a different directory than kvm-a's, with
 * its own host UUID, hostname "kvm-b" and an sshd on 127.0.0.5:2222 inside that namespace.
 *
 * Tests reach it the way the console does, as an SSH host (`uri` is what its SSH sessions use), or directly
 * from this machine through `localUri` (qemu:///system?socket=…; the console's URI check refuses `socket=`,
 * so that one is for test set-up and checks only).
 *
 *   const kvmB = secondHost();
 *   describe.skipIf(!kvmB.host)(`… ${kvmB.reason}`, () => { const b = kvmB.host!; … });
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestbedHost } from './testbed';

export const SECOND_HOST = 'kvm-b';

export interface SecondHost extends TestbedHost {
  /** Its libvirtd from this machine, outside its namespace: qemu:///system?socket=<rootDir>/run/libvirt-sock. */
  readonly localUri: string;
  /** The host_uuid of its libvirtd.conf, which `virsh capabilities` reports (kvm-a's differs). */
  readonly hostUuid: string;
  /** Its private directories: etc, lib, cache, log, run (mounted over /etc/libvirt, /var/lib/libvirt, …). */
  readonly rootDir: string;
  /** The testbed's client key, accepted by its sshd. */
  readonly clientKey: string;
}

export type SecondHostLookup =
  { readonly host: SecondHost; readonly reason: '' } | { readonly host: null; readonly reason: string };

interface RawTestbed {
  readonly clientKey: string;
  readonly hosts: readonly (TestbedHost & Partial<SecondHost>)[];
  readonly secondHost?: { readonly state: string; readonly reason: string };
}

const STATE = process.env.QHCI_TESTBED_DIR ?? '/tmp/qhci-testbed';

function running(pidFile: string): boolean {
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

const none = (reason: string): SecondHostLookup => ({ host: null, reason: `(skipped: ${reason})` });

/**
 * kvm-b's details when it is up; otherwise null and why, for a skip message: the testbed is not up, this
 * machine cannot run a second libvirtd (testbed.json says why), or kvm-b is stopped. Read anew on each call.
 */
export function secondHost(): SecondHostLookup {
  const file = join(STATE, 'testbed.json');
  if (!existsSync(file)) return none(`the testbed is not up (no ${file}; scripts/testbed.sh up)`);
  const tb = JSON.parse(readFileSync(file, 'utf8')) as RawTestbed;
  const h = tb.hosts.find((x) => x.name === SECOND_HOST);
  if (!h || !h.localUri || !h.rootDir || !h.hostUuid) {
    if (tb.secondHost) return none(`${SECOND_HOST} is ${tb.secondHost.state}: ${tb.secondHost.reason}`);
    // A testbed.json from before kvm-b existed. In CI the testbed is started by this checkout's script, which
    // always says what became of kvm-b: its silence there is a fault, not a reason to skip.
    if (process.env.CI)
      throw new Error(`${file} says nothing about ${SECOND_HOST}; run scripts/testbed.sh up`);
    return none(`${file} does not describe ${SECOND_HOST} (scripts/testbed.sh up-b)`);
  }
  const down = ['libvirtd', 'virtlogd', 'sshd'].filter((d) => !running(join(h.rootDir!, `${d}.pid`)));
  if (down.length > 0)
    return none(`${SECOND_HOST}'s ${down.join(', ')} not running (scripts/testbed.sh up-b starts it)`);
  return {
    host: {
      name: h.name,
      address: h.address,
      port: h.port,
      user: h.user,
      uri: h.uri,
      hostKeyFingerprint: h.hostKeyFingerprint,
      localUri: h.localUri,
      hostUuid: h.hostUuid,
      rootDir: h.rootDir,
      clientKey: tb.clientKey,
    },
    reason: '',
  };
}

/** virsh against kvm-b's libvirtd from this machine (its socket). */
export function virshB(b: SecondHost, ...args: string[]): string {
  return execFileSync('virsh', ['-c', b.localUri, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/**
 * Where a path of kvm-b's (under /var/lib/libvirt, /etc/libvirt, …) is on this machine; as seen from kvm-a
 * the same path is kvm-a's own file.
 */
export function pathOnB(b: SecondHost, path: string): string {
  const dirs: readonly [string, string][] = [
    ['/etc/libvirt', 'etc'],
    ['/var/lib/libvirt', 'lib'],
    ['/var/cache/libvirt', 'cache'],
    ['/var/log/libvirt', 'log'],
    ['/run/libvirt', 'run'],
  ];
  for (const [dir, sub] of dirs)
    if (path === dir || path.startsWith(`${dir}/`)) return join(b.rootDir, sub, path.slice(dir.length));
  throw new Error(`${path} is not in one of kvm-b's own directories`);
}

/**
 * Runs a shell command on kvm-b over SSH (OpenSSH, its host key checked against the one the testbed
 * generated), as a second machine is reached: the command sees kvm-b's /var/lib/libvirt and virsh its libvirt.
 */
export function sshB(b: SecondHost, command: string, input?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'qhci-kvmb-'));
  try {
    const knownHosts = join(dir, 'known_hosts');
    const pub = readFileSync(join(b.rootDir, 'host_ed25519.pub'), 'utf8').split(' ');
    writeFileSync(knownHosts, `[${b.address}]:${b.port} ${pub[0]} ${pub[1]}\n`);
    return execFileSync(
      'ssh',
      [
        ...['-i', b.clientKey, '-p', String(b.port), '-o', `UserKnownHostsFile=${knownHosts}`],
        ...['-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes'],
        ...['-o', 'LogLevel=ERROR', `${b.user}@${b.address}`, command],
      ],
      { encoding: 'utf8', input: input ?? '', stdio: ['pipe', 'pipe', 'pipe'] },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
