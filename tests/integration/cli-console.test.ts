/**
 * `qhci vm console` as a user runs it: the real tool in a real terminal (a pty), attached to the serial
 * console of a running domain on the SSH host; Ctrl+] leaves with status 0, a takeover by another session
 * is said and ends with status 1, and nothing is left running. `qhci vm screenshot` saves a PNG.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type IPty } from 'node-pty';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../helpers/app';
import { startConsoleDomain } from '../helpers/console-domain';
import { removeDomain } from '../helpers/domains';
import { sshConnection } from '../helpers/provision';
import { host, NO_TESTBED, testbed } from '../helpers/testbed';
import { runQhci } from '../helpers/cli';

const dataDir = tempDir('qhci-cli-console-');
const QHCI = join(REPO_ROOT, 'bin/qhci');

const qhci = (args: string[]) => runQhci(dataDir, args);

function inTerminal(args: string[]): { pty: IPty; output: () => string; exit: Promise<number> } {
  let out = '';
  const pty = spawn(QHCI, ['--data-dir', dataDir, ...args], { cols: 100, rows: 30, env: process.env });
  pty.onData((d) => (out += d));
  const exit = new Promise<number>((r) => pty.onExit((e) => r(e.exitCode)));
  return { pty, output: () => out, exit };
}

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const consoleProcesses = (uuid: string) =>
  spawnSync('pgrep', ['-f', `console --force --domain ${uuid}`], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean).length;

describe.skipIf(NO_TESTBED)('qhci vm console / screenshot', () => {
  let dom: { uuid: string; name: string };
  beforeAll(() => {
    dom = startConsoleDomain();
    const c = sshConnection('kvm-a');
    const add = qhci([
      'host',
      'add',
      'kvm-a',
      '--ssh',
      `${c.user}@${c.address}:${c.port}`,
      '--key',
      testbed!.clientKey,
      '--accept',
      host('kvm-a').hostKeyFingerprint,
    ]);
    expect(add.code, add.err).toBe(0);
  });
  afterAll(() => {
    if (dom) removeDomain(dom.uuid);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('attaches the terminal, and Ctrl+] leaves', async () => {
    const t = inTerminal(['vm', 'console', dom.name]);
    await until('connected', () => t.output().includes('Ctrl+] leaves'));
    await new Promise((r) => setTimeout(r, 300));
    t.pty.write('\x1d');
    expect(await t.exit).toBe(0);
    expect(t.output()).toContain('Disconnected');
    await until('no virsh console left', () => consoleProcesses(dom.uuid) === 0);
  });

  it('says when another session took the console over', async () => {
    const first = inTerminal(['vm', 'console', dom.name]);
    await until('first connected', () => first.output().includes('Ctrl+] leaves'));
    await new Promise((r) => setTimeout(r, 300));
    const second = inTerminal(['vm', 'console', dom.name]);
    await until('second connected', () => second.output().includes('Ctrl+] leaves'));
    expect(await first.exit).toBe(1);
    expect(first.output()).toMatch(/Another session took over the serial console/);
    second.pty.write('\x1d');
    expect(await second.exit).toBe(0);
    await until('no virsh console left', () => consoleProcesses(dom.uuid) === 0);
  });

  it('saves the screen as a PNG', () => {
    const file = join(dataDir, 'screen.png');
    const r = qhci(['vm', 'screenshot', dom.name, file]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Saved .*'s screen \(\d+×\d+\)/);
    expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG');
    expect(qhci(['vm', 'screenshot', dom.name, join(dataDir, 'x.jpg')]).code).toBe(2);
  });
});
