/**
 * Host secrets in a real Secret Service, shared between processes: a private D-Bus session bus and
 * gnome-keyring-daemon with an unlocked login keyring in a temporary XDG_DATA_HOME (never the user's own
 * keyring), and child processes built like `qhci` (createApp with openSecretStore's store) plus the real CLI.
 *
 * Needs the Debian packages dbus, gnome-keyring and libsecret-tools (.ci/run installs them). Skips, saying
 * why, only when those daemons cannot be started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../../helpers/app';

const TSX = join(REPO_ROOT, 'node_modules/.bin/tsx');
const PROCESS = join(__dirname, 'fixtures/secrets-process.ts');
const QHCI = join(REPO_ROOT, 'bin/qhci');

let bus: ChildProcess | null = null;
let keyring: ChildProcess | null = null;
let busAddress = '';
let whyNot = '';
const xdgData = tempDir('qhci-keyring-');

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_DATA_HOME: xdgData };
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.QHCI_SECRETS;
  return env;
}

function withBus(): NodeJS.ProcessEnv {
  return { ...baseEnv(), DBUS_SESSION_BUS_ADDRESS: busAddress };
}

async function firstLine(child: ChildProcess, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        resolve(out.slice(0, nl).trim());
      }
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

function secretsOwned(): boolean {
  const r = spawnSync(
    'dbus-send',
    [
      '--session',
      '--print-reply',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      'string:org.freedesktop.secrets',
    ],
    { env: withBus(), encoding: 'utf8', timeout: 5000 },
  );
  return r.status === 0 && /boolean true/.test(r.stdout);
}

beforeAll(async () => {
  try {
    bus = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1'], {
      env: baseEnv(),
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    busAddress = await firstLine(bus, 10_000);
    // --foreground keeps it our child; the login keyring's password comes on stdin and unlocks (creates) it.
    keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: withBus(),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    keyring.on('error', (err) => (whyNot = `gnome-keyring-daemon: ${err.message}`));
    keyring.stdin!.end('test-keyring-password');
    for (let i = 0; i < 100 && !whyNot && !secretsOwned(); i++) await new Promise((r) => setTimeout(r, 100));
    if (!whyNot && !secretsOwned()) whyNot = 'gnome-keyring-daemon did not take org.freedesktop.secrets';
  } catch (err) {
    whyNot = `no D-Bus session bus: ${(err as Error).message}`;
  }
}, 30_000);

afterAll(() => {
  if (keyring?.pid) keyring.kill();
  if (bus?.pid) bus.kill();
  rmSync(xdgData, { recursive: true, force: true });
});

interface Run {
  readonly status: number | null;
  readonly json: Record<string, unknown>;
  readonly stderr: string;
}

function proc(env: NodeJS.ProcessEnv, dataDir: string, ...args: string[]): Run {
  const r = spawnSync(TSX, [PROCESS, dataDir, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return {
    status: r.status,
    json: line ? (JSON.parse(line) as Record<string, unknown>) : {},
    stderr: r.stderr,
  };
}

function lookup(ref: string): string | null {
  const r = spawnSync('secret-tool', ['lookup', 'service', 'qhci', 'username', ref], {
    env: withBus(),
    encoding: 'utf8',
    timeout: 10_000,
  });
  return r.status === 0 ? r.stdout : null;
}

/** Every file under dir whose bytes contain needle. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) hits.push(...filesContaining(path, needle));
    else if (readFileSync(path).includes(needle)) hits.push(path);
  }
  return hits;
}

const available = () => {
  if (whyNot) console.warn(`keychain tests skipped: ${whyNot}`);
  return !whyNot;
};

describe('host secrets in the OS keychain (Secret Service)', () => {
  it('a secret stored by one process is read by another, and nothing is written in plaintext', (ctx) => {
    if (!available()) ctx.skip();
    const dataDir = tempDir('qhci-kc-data-');
    const password = `pw-${process.pid}-${Date.now()}`;
    const passphrase = `pass phrase ${process.pid}`;

    const stored = proc(
      withBus(),
      dataDir,
      'set',
      'host:h1:password',
      password,
      'host:h1:passphrase',
      passphrase,
    );
    expect(stored.status, stored.stderr).toBe(0);
    expect(stored.json).toEqual({ stored: 2, kind: 'keychain' });
    expect(stored.stderr).not.toMatch(/No OS keychain/);

    const read = proc(withBus(), tempDir('qhci-kc-other-'), 'get', 'host:h1:password');
    expect(read.json).toEqual({ value: password, kind: 'keychain' });
    expect(lookup('host:h1:passphrase')).toBe(passphrase);

    expect(existsSync(join(dataDir, 'secrets.json'))).toBe(false);
    expect(filesContaining(dataDir, password)).toEqual([]);
    expect(filesContaining(dataDir, passphrase)).toEqual([]);

    const info = proc(withBus(), dataDir, 'info');
    expect(info.json.secretStorage).toBe('keychain');
  });

  it('the qhci tool itself reports the keychain, and the plain file when no Secret Service answers', (ctx) => {
    if (!available()) ctx.skip();
    const dataDir = tempDir('qhci-kc-cli-');
    const cli = (env: NodeJS.ProcessEnv) =>
      JSON.parse(
        spawnSync(QHCI, ['--json', '--data-dir', dataDir, 'info'], { env, encoding: 'utf8', timeout: 60_000 })
          .stdout,
      ) as { secretStorage: string };
    expect(cli(withBus()).secretStorage).toBe('keychain');
    expect(cli(baseEnv()).secretStorage).toBe('plain-file');
  });

  it('moves secrets an earlier version kept in secrets.json into the keychain and removes the file', (ctx) => {
    if (!available()) ctx.skip();
    const dataDir = tempDir('qhci-kc-legacy-');
    const legacy = join(dataDir, 'secrets.json');
    writeFileSync(legacy, JSON.stringify({ 'host:old:password': 'old-pw' }), { mode: 0o600 });

    const read = proc(withBus(), dataDir, 'get', 'host:old:password');
    expect(read.json).toEqual({ value: 'old-pw', kind: 'keychain' });
    expect(read.stderr).toMatch(/Moved 1 host secret\(s\) from .*secrets\.json into the OS keychain/);
    expect(existsSync(legacy)).toBe(false);
    expect(lookup('host:old:password')).toBe('old-pw');
  });

  it('leaves a corrupt secrets.json as it is, says so, and still uses the keychain', (ctx) => {
    if (!available()) ctx.skip();
    const dataDir = tempDir('qhci-kc-corrupt-');
    const legacy = join(dataDir, 'secrets.json');
    writeFileSync(legacy, '{"host:x:password": ', { mode: 0o600 });
    const stored = proc(withBus(), dataDir, 'set', 'host:y:password', 'y-pw');
    expect(stored.json).toEqual({ stored: 1, kind: 'keychain' });
    expect(stored.stderr).toMatch(/were not moved into the OS keychain: The secrets file .* cannot be read/);
    expect(readFileSync(legacy, 'utf8')).toBe('{"host:x:password": ');
  });

  it.each([
    ['DBUS_SESSION_BUS_ADDRESS unset', undefined],
    ['DBUS_SESSION_BUS_ADDRESS pointing nowhere', 'unix:path=/nonexistent/qhci-bus'],
  ])('falls back to the 0600 file and says so once when %s', (_name, address) => {
    const dataDir = tempDir('qhci-kc-fallback-');
    const env = address ? { ...baseEnv(), DBUS_SESSION_BUS_ADDRESS: address } : baseEnv();
    const stored = proc(env, dataDir, 'set', 'host:f:password', 'f-pw', 'host:f:passphrase', 'f-pass');
    expect(stored.status, stored.stderr).toBe(0);
    expect(stored.json).toEqual({ stored: 2, kind: 'plain-file' });
    expect(stored.stderr.match(/No OS keychain/g)).toHaveLength(1);
    expect(stored.stderr).toContain(join(dataDir, 'secrets.json'));
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(proc(env, dataDir, 'get', 'host:f:password').json).toEqual({ value: 'f-pw', kind: 'plain-file' });
  });

  it('QHCI_SECRETS=file chooses the file even with a keychain, and says so', (ctx) => {
    if (!available()) ctx.skip();
    const dataDir = tempDir('qhci-kc-file-');
    const stored = proc({ ...withBus(), QHCI_SECRETS: 'file' }, dataDir, 'set', 'host:e:password', 'e-pw');
    expect(stored.json).toEqual({ stored: 1, kind: 'plain-file' });
    expect(stored.stderr).toMatch(/QHCI_SECRETS=file: .* unencrypted/);
    expect(lookup('host:e:password')).toBeNull();
  });
});
