/** scripts/preflight.mjs, the first step of `npm test`: what is missing -> one paragraph and one command. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciPackages, diagnose, type PreflightFacts } from '../../scripts/preflight.mjs';
import { REPO_ROOT } from '../helpers/app';

const CI_PACKAGES = ciPackages(readFileSync(join(REPO_ROOT, '.ci/run'), 'utf8'));

const ALL_HERE: PreflightFacts = {
  ci: false,
  root: false,
  noTestbed: false,
  missingPackages: [],
  chromium: true,
  chromiumPath: '/usr/bin/chromium',
  modules: ['better-sqlite3', 'ssh2', '@unraid/libvirt'].map((name) => ({ name, error: null })),
  testbed: { dir: '/tmp/qhci-testbed', described: true, down: [] },
};

const FRESH: PreflightFacts = {
  ...ALL_HERE,
  missingPackages: CI_PACKAGES,
  chromium: false,
  modules: ['better-sqlite3', 'ssh2', '@unraid/libvirt'].map((name) => ({
    name,
    error: `Cannot find module '${name}'`,
  })),
  testbed: { dir: '/tmp/qhci-testbed', described: false, down: ['libvirtd', 'kvm-a', 'sim-b', 'sim-c'] },
};

const NO_BINDING = [
  { name: 'better-sqlite3', error: null },
  { name: 'ssh2', error: null },
  { name: '@unraid/libvirt', error: "Cannot find package '@unraid/libvirt'" },
];

/** The command lines of a message (indented by four spaces). */
const commands = (message: string) =>
  message
    .split('\n')
    .filter((l) => l.startsWith('    '))
    .map((l) => l.trim());

describe('preflight: the packages', () => {
  it("reads .ci/run's own list", () => {
    expect(CI_PACKAGES).toEqual(
      expect.arrayContaining(['chromium', 'libvirt-dev', 'qemu-system-x86', 'g++']),
    );
    expect(CI_PACKAGES.every((p) => /^[a-z0-9][a-z0-9+.-]+$/.test(p))).toBe(true);
  });

  it('covers every package the testbed installs', () => {
    const testbed = ciPackages(
      readFileSync(join(REPO_ROOT, 'scripts/testbed.sh'), 'utf8').replace(/^APT_PACKAGES=/m, 'packages='),
    );
    expect(CI_PACKAGES).toEqual(expect.arrayContaining(testbed));
  });

  it('refuses a .ci/run without a list', () => {
    expect(() => ciPackages('#!/bin/sh\nnpm test\n')).toThrow(/no packages/);
  });
});

describe('preflight: what is missing -> one command', () => {
  it('passes silently when everything is here', () => {
    expect(diagnose(ALL_HERE)).toEqual({ ok: true, message: '' });
  });

  it('on a fresh machine, names what is missing and gives .ci/run, which installs and starts all of it', () => {
    const { ok, message } = diagnose(FRESH);
    expect(ok).toBe(false);
    expect(commands(message)).toEqual(['sudo bash .ci/run']);
    expect(message).toContain(`the Debian packages ${CI_PACKAGES.slice(0, 6).join(', ')} and`);
    expect(message).toContain(
      "the native module better-sqlite3, which does not load (Cannot find module 'better-sqlite3')",
    );
    expect(message).toContain('the testbed of real hosts');
    expect(message.split('\n\n')[0]).not.toContain('\n'); // one paragraph, then the command
  });

  it('as root, without sudo', () => {
    expect(commands(diagnose({ ...FRESH, root: true }).message)).toEqual(['bash .ci/run']);
  });

  it('when only the testbed is down, starts it', () => {
    const down = { ...ALL_HERE, testbed: { ...ALL_HERE.testbed, down: ['libvirtd', 'kvm-a'] } };
    const { ok, message } = diagnose(down);
    expect(ok).toBe(false);
    expect(commands(message)).toEqual(['sudo scripts/testbed.sh up']);
    expect(message).toContain('(libvirtd, kvm-a are down)');
    // testbed.json is there, so the host tests would not skip: no way around it.
    expect(message).not.toContain('QHCI_NO_TESTBED');
  });

  it('when the testbed was never started, outside CI, also says how to run without it', () => {
    const never = { ...ALL_HERE, testbed: { ...FRESH.testbed, dir: '/tmp/tb' } };
    const { message } = diagnose(never);
    expect(commands(message)).toEqual(['sudo QHCI_TESTBED_DIR=/tmp/tb scripts/testbed.sh up']);
    expect(message).toContain('no /tmp/tb/testbed.json');
    expect(message).toContain('QHCI_NO_TESTBED=1 npm test');
    expect(diagnose({ ...never, ci: true }).message).not.toContain('QHCI_NO_TESTBED');
  });

  it('QHCI_NO_TESTBED=1 runs without the testbed (and the binding only it needs), but not in CI', () => {
    const without = { ...ALL_HERE, noTestbed: true, modules: NO_BINDING, testbed: FRESH.testbed };
    const { ok, message } = diagnose(without);
    expect(ok).toBe(true);
    expect(message).toContain('the host tests skip');
    expect(message).toContain("The libvirt binding does not load (Cannot find package '@unraid/libvirt')");
    const inCi = diagnose({ ...without, ci: true });
    expect(inCi.ok).toBe(false);
    expect(commands(inCi.message)).toEqual(['sudo bash .ci/run']);
  });

  it('with only the binding missing, npm ci builds it against the libvirt-dev now installed', () => {
    const { ok, message } = diagnose({ ...ALL_HERE, modules: NO_BINDING });
    expect(ok).toBe(false);
    expect(commands(message)).toEqual(['npm ci']);
    expect(message).toContain('the native module @unraid/libvirt');
  });

  it('better-sqlite3 built for Electron is no problem: test:unit rebuilds it for Node', () => {
    const electron =
      "The module '/x/better_sqlite3.node' was compiled against a different Node.js version using " +
      'NODE_MODULE_VERSION 140. This version of Node.js requires NODE_MODULE_VERSION 115.';
    const modules = ALL_HERE.modules.map((m) =>
      m.name === 'better-sqlite3' ? { ...m, error: electron } : m,
    );
    expect(diagnose({ ...ALL_HERE, modules }).ok).toBe(true);
  });

  it('Chromium missing though dpkg has the package is named on its own', () => {
    const { message } = diagnose({ ...ALL_HERE, chromium: false });
    expect(message).toContain('Chromium at /usr/bin/chromium');
    expect(commands(message)).toEqual(['sudo bash .ci/run']);
  });

  it('without dpkg, the packages go unchecked and it says so', () => {
    expect(diagnose({ ...ALL_HERE, missingPackages: null })).toEqual({
      ok: true,
      message: expect.stringContaining('were not checked'),
    });
  });
});

describe('preflight: the script', () => {
  it('stops at once, with the command, when the testbed is not there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qhci-preflight-'));
    try {
      const start = performance.now();
      const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/preflight.mjs')], {
        encoding: 'utf8',
        env: { ...process.env, QHCI_TESTBED_DIR: dir, QHCI_NO_TESTBED: '' },
        timeout: 20_000,
      });
      const took = performance.now() - start;
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain('npm test cannot run on this machine yet. Missing:');
      expect(run.stderr).toContain(`no ${dir}/testbed.json`);
      expect(commands(run.stderr)).toHaveLength(1);
      expect(took).toBeLessThan(3_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
