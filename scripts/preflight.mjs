#!/usr/bin/env node
// Runs first in `npm test`: checks, in about a second, what the tests need from this machine (the Debian
// packages .ci/run installs, the native modules on this Node, Chromium, the testbed of real hosts). When
// something is missing it names it, with the one command that installs or starts it, and exits 1, rather than
// letting the typecheck, lint and unit tests run for minutes before the first host test notices.
// Runs before `npm ci` too (it needs no package): `node scripts/preflight.mjs`.
//
// Outside CI the host tests skip without the testbed; `npm test` does not: a pass with them skipped is not the
// pass the README promises. QHCI_NO_TESTBED=1 runs without it on purpose (its tests skip; not in CI).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_TESTBED_DIR = '/tmp/qhci-testbed';

/** The Debian packages `.ci/run` installs: its `packages=(…)` list, read so that the two never differ. */
export function ciPackages(ciRun) {
  const m = /^packages=\(([^)]*)\)/m.exec(ciRun);
  const names = m ? m[1].replace(/#.*$/gm, '').split(/\s+/).filter(Boolean) : [];
  if (names.length === 0) throw new Error('.ci/run has no packages=(…) list');
  return names;
}

/** better-sqlite3 built for Electron (after `npm start`): not a problem, test:unit rebuilds it for Node. */
export function isAbiMismatch(error) {
  return /NODE_MODULE_VERSION|compiled against a different Node\.js version/.test(error);
}

const firstLine = (s) => String(s).split('\n')[0].trim();

/** "a, b, c and 3 more" */
function some(names, most = 6) {
  const shown = names.slice(0, most).join(', ');
  return names.length > most ? `${shown} and ${names.length - most} more` : shown;
}

/**
 * What is missing, as one short paragraph with the single command that fixes it.
 * @param {import('./preflight.d.mts').PreflightFacts} f
 * @returns {{ ok: boolean, message: string }}
 */
export function diagnose(f) {
  const sudo = f.root ? '' : 'sudo ';
  const testbedDown = !f.testbed.described || f.testbed.down.length > 0;
  // The host tests skip only where testbed.json is missing (tests/helpers/testbed.ts), and never in CI.
  const canSkip = !f.ci && !f.testbed.described;
  const runsHostTests = !(f.noTestbed && canSkip);

  const packages = f.missingPackages ?? [];
  const chromium = f.chromium || packages.includes('chromium') ? [] : [`Chromium at ${f.chromiumPath}`];
  const modules = f.modules.filter(
    (m) =>
      m.error !== null &&
      !(m.name === 'better-sqlite3' && isAbiMismatch(m.error)) &&
      // The binding serves only the host tests (drivers.test.ts checks the driver really uses it).
      (m.name !== '@unraid/libvirt' || runsHostTests),
  );

  const missing = [];
  if (packages.length) missing.push(`the Debian packages ${some(packages)} (the list is in .ci/run)`);
  missing.push(...chromium);
  for (const m of modules) missing.push(`the native module ${m.name}, which does not load (${m.error})`);
  const downWhat = f.testbed.down.length
    ? `${some(f.testbed.down)} ${f.testbed.down.length === 1 ? 'is' : 'are'} down`
    : '';
  const testbedWhat = [f.testbed.described ? '' : `no ${f.testbed.dir}/testbed.json`, downWhat]
    .filter(Boolean)
    .join('; ');
  if (testbedDown && runsHostTests) missing.push(`the testbed of real hosts (${testbedWhat})`);

  const notes = [];
  if (f.missingPackages === null)
    notes.push('The Debian packages were not checked (no dpkg-query here); .ci/run lists them.');
  if (testbedDown && !runsHostTests)
    notes.push(`The testbed is not up (${testbedWhat}): QHCI_NO_TESTBED=1, so the host tests skip.`);
  const optionalBinding = f.modules.find((m) => m.name === '@unraid/libvirt' && m.error !== null);
  if (optionalBinding && !runsHostTests)
    notes.push(`The libvirt binding does not load (${optionalBinding.error}); the app would use virsh.`);

  if (missing.length === 0) return { ok: true, message: notes.join('\n') };

  const onlyTestbed = packages.length === 0 && chromium.length === 0 && modules.length === 0;
  const onlyModules = packages.length === 0 && chromium.length === 0 && !(testbedDown && runsHostTests);
  let command;
  let then;
  if (onlyTestbed) {
    const dir = f.testbed.dir === DEFAULT_TESTBED_DIR ? '' : `QHCI_TESTBED_DIR=${f.testbed.dir} `;
    command = `${sudo}${dir}scripts/testbed.sh up`;
    then =
      'Start it (libvirtd with QEMU, the NAT network, a pool and three SSH hosts on loopback), then run npm test ' +
      'again' +
      (canSkip ? ' (or, to run without it and skip the host tests: QHCI_NO_TESTBED=1 npm test):' : ':');
  } else if (onlyModules) {
    command = 'npm ci';
    then =
      'npm builds the native modules against the system packages, which are all here now: reinstall them, ' +
      'then run npm test again:';
  } else {
    command = `${sudo}bash .ci/run`;
    then =
      'One command installs the packages, runs npm ci (which builds the native modules against them), starts ' +
      'the testbed and runs the tests:';
  }
  const message = [
    `npm test cannot run on this machine yet. Missing: ${missing.join('; ')}. ${then}`,
    '',
    `    ${command}`,
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
  return { ok: false, message };
}

/** Reads the machine. */
export async function gatherFacts(env = process.env) {
  const packages = ciPackages(readFileSync(join(ROOT, '.ci/run'), 'utf8'));
  const query = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\\n', ...packages], {
    encoding: 'utf8',
  });
  let missingPackages = null;
  if (!query.error) {
    const installed = new Set(
      query.stdout
        .split('\n')
        .filter((l) => l.endsWith(' installed'))
        .map((l) => l.split(' ')[0]),
    );
    missingPackages = packages.filter((p) => !installed.has(p));
  }

  const require = createRequire(join(ROOT, 'package.json'));
  const attempt = async (name, load) => {
    try {
      await load();
      return { name, error: null };
    } catch (err) {
      return { name, error: firstLine(err?.message ?? err) };
    }
  };
  // A specifier in a variable: lint keeps '@unraid/libvirt' out of every import TypeScript would resolve.
  const binding = '@unraid/libvirt';
  const modules = [
    await attempt('better-sqlite3', () => {
      const Database = require('better-sqlite3');
      new Database(':memory:').close();
    }),
    await attempt('ssh2', () => require('ssh2')),
    await attempt(binding, () => import(binding)),
  ];

  const dir = env.QHCI_TESTBED_DIR ?? DEFAULT_TESTBED_DIR;
  const status = spawnSync('bash', [join(ROOT, 'scripts/testbed.sh'), 'status'], {
    encoding: 'utf8',
    timeout: 15_000,
    env: { ...env, QHCI_TESTBED_DIR: dir },
  });
  const down =
    status.status === 0
      ? status.stdout
          .split('\n')
          .filter((l) => /: down$/.test(l))
          .map((l) => l.split(':')[0])
      : [`scripts/testbed.sh status (${firstLine(status.error?.message ?? status.stderr)})`];

  const chromiumPath = env.QHCI_CHROMIUM ?? '/usr/bin/chromium';
  return {
    ci: Boolean(env.CI),
    root: process.getuid?.() === 0,
    noTestbed: env.QHCI_NO_TESTBED === '1',
    missingPackages,
    chromium: existsSync(chromiumPath),
    chromiumPath,
    modules,
    testbed: { dir, described: existsSync(join(dir, 'testbed.json')), down },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { ok, message } = diagnose(await gatherFacts());
  if (ok) {
    console.log(`preflight: what the tests need is here.${message ? ` ${message.replace(/\n/g, ' ')}` : ''}`);
  } else {
    console.error(`\n${message}\n`);
    process.exit(1);
  }
}
