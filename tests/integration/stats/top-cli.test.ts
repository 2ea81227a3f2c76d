/**
 * `qhci top` as a user runs it: a real process on a data directory whose host is the testbed's
 * qemu:///system with a running domain, and a simulated host beside it.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, tempDir } from '../../helpers/app';
import { runQhci } from '../../helpers/cli';
import { defineDomain, removeDomain, virsh } from '../../helpers/domains';
import { host, NO_TESTBED, testbed } from '../../helpers/testbed';

const dataDir = tempDir('qhci-cli-top-');
const qhci = (args: string[]) => runQhci(dataDir, args);

describe.skipIf(!testbed)(`qhci top on the testbed ${NO_TESTBED}`, () => {
  let dom: { uuid: string; name: string };

  beforeAll(() => {
    dom = defineDomain();
    virsh('start', '--domain', dom.uuid);
    expect(qhci(['host', 'add', 'local', '--uri', 'qemu:///system']).code).toBe(0);
    expect(qhci(['host', 'add', 'simb', '--uri', host('sim-b').uri]).code).toBe(0);
  }, 60_000);
  afterAll(() => {
    removeDomain(dom.uuid);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--once prints one table after two polls, the running domain with a CPU share', () => {
    const t0 = Date.now();
    const r = qhci(['top', '--once', '--interval', '2']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // Two polls 2 s apart: not before the second one.
    expect(Date.now() - t0).toBeGreaterThan(2000);
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^qhci top - \d\d:\d\d:\d\d UTC, sorted by cpu$/);
    expect(lines.find((l) => l.startsWith('local: '))).toMatch(
      /^local: CPU \d+\.\d %, memory .+ \/ .+ GiB, \d+ VMs$/,
    );
    expect(lines.some((l) => l.startsWith('simb: '))).toBe(true);
    const row = lines.find((l) => l.includes(dom.name))!.split(/\s{2,}/);
    expect(row.slice(0, 3)).toEqual(['local', dom.name, 'running']);
    expect(Number(row[3])).toBeGreaterThanOrEqual(0);
    expect(row[4]).toMatch(/^\d+(\.\d)? (KiB|MiB|GiB)$/);
    // One table only.
    expect(lines.filter((l) => l.startsWith('HOST ')).length).toBe(1);
  });

  it('--json --once --host gives the rows of that host, sorted by name', () => {
    const r = qhci(['--json', 'top', '--once', '--host', 'local', '--sort', 'name']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as {
      rows: { host: string; vm: string; usage: { cpuPercent: number | null } }[];
    };
    expect(out.rows.every((x) => x.host === 'local')).toBe(true);
    const vms = out.rows.map((x) => x.vm);
    expect(vms).toEqual([...vms].sort((a, b) => a.localeCompare(b)));
    expect(out.rows.find((x) => x.vm === dom.name)!.usage.cpuPercent).not.toBeNull();
  });

  it('refuses an interval, a sort or a host it does not know', () => {
    expect(qhci(['top', '--interval', '3']).code).toBe(2);
    expect(qhci(['top', '--sort', 'disk']).code).toBe(2);
    const r = qhci(['top', '--host', 'nowhere']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/No host named "nowhere"/);
  });

  it('prints a table per poll when not on a terminal, and Ctrl-C ends it cleanly', async () => {
    // The tool's own process (bin/qhci runs the sources in a child node, which a signal to it would miss).
    const main = join(REPO_ROOT, 'src/cli/main.ts');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', main, '--data-dir', dataDir, 'top', '--host', 'local'],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: REPO_ROOT },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => out.split('\nHOST ').length - 1, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
      const sent = Date.now();
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(Date.now() - sent).toBeLessThan(5000);
      expect(err).toBe('');
      // No terminal: no cursor movement, tables one after another.
      expect(out).not.toContain('\x1b[');
      const stamps = [...out.matchAll(/^qhci top - (\d\d):(\d\d):(\d\d) UTC/gm)].map(
        (m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]),
      );
      expect(stamps.length).toBeGreaterThanOrEqual(3);
      const gaps = stamps.slice(1).map((s, i) => (s - stamps[i]! + 86_400) % 86_400);
      expect(gaps.every((g) => g >= 1 && g <= 4)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
