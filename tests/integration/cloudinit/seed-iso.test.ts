/**
 * Real seed ISOs from every installed tool, read back with isoinfo; the documents read back by cloud-init's
 * own YAML loader (PyYAML), checked with `cloud-init schema`, and runcmd turned into shell by cloud-init's
 * own shellify.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildSeedIsoLocal,
  hasLocalTool,
  ISO_TOOLS,
  type IsoTool,
} from '../../../src/main/operations/create/seed-iso';
import { runLocal } from '../../../src/main/hosts/local-process';
import { verifyPassword } from '../../../src/main/cloudinit/password';
import {
  AGENT_INSTALLER_PATH,
  buildSeed,
  parseCloudYaml,
  type Seed,
  staticNetworkConfig,
  type SeedInput,
} from '../../../src/main/cloudinit/seed';
import { AppError } from '../../../src/shared/domain/errors';
import { GUEST_PROFILES } from '../../../src/shared/domain/guest-profiles';
import { AGENT, ALICE_KEY, BOB_KEY, baseInput, GOLDEN_CASES, PASSWORD, PASSWORD_HASH } from './fixtures';

type Mapping = Record<string, unknown>;

const work = mkdtempSync(join(tmpdir(), 'qhci-seed-it-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const tools: IsoTool[] = [];
for (const tool of ISO_TOOLS) if (await hasLocalTool(tool)) tools.push(tool);
const haveIsoinfo = await hasLocalTool('isoinfo');
const haveCloudInit = existsSync('/usr/bin/cloud-init');
/** cloud-init's own interpreter (its shebang), which has its PyYAML and its modules. */
const PYTHON = haveCloudInit
  ? (/^#!\s*(\S+)/.exec(readFileSync('/usr/bin/cloud-init', 'utf8'))?.[1] ?? 'python3')
  : 'python3';
const python = spawnSync(PYTHON, ['-c', 'import yaml, cloudinit.util'], { encoding: 'utf8' }).status === 0;
if (tools.length === 0 || !haveIsoinfo)
  console.warn('skipping seed ISO tests: no ISO tool or isoinfo installed');
if (!haveCloudInit) console.warn('skipping cloud-init schema checks: /usr/bin/cloud-init is not installed');
if (!python) console.warn('skipping PyYAML checks: python3 with yaml and cloudinit is not installed');

let n = 0;
function file(text: string | Buffer): string {
  const path = join(work, `f${n++}`);
  writeFileSync(path, text);
  return path;
}

function isoinfo(args: string[]): string {
  return execFileSync('isoinfo', args, { encoding: 'utf8' });
}

/** What cloud-init's PyYAML reads from each document (dates and bytes as strings). */
function pyyamlLoad(texts: readonly string[]): unknown[] {
  const out = execFileSync(
    PYTHON,
    [
      '-c',
      'import json, sys, yaml\nprint(json.dumps([yaml.safe_load(open(p, encoding="utf-8")) for p in sys.argv[1:]], default=str))',
      ...texts.map((t) => file(t)),
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(out) as unknown[];
}

const richInput = (over: Partial<SeedInput['overrides']> = {}): SeedInput =>
  baseInput({
    vmName: 'app',
    index: 2,
    profile: GUEST_PROFILES.rhel,
    spec: {
      ...GOLDEN_CASES['rhel-spec-agent-password']!.spec!,
      sshKeys: [ALICE_KEY],
    },
    overrides: {
      userDataMode: 'merge',
      hostname: '{{.VMName}}-{{.Index}}',
      networkConfig: staticNetworkConfig({
        address: '192.0.2.10/24',
        gateway: '192.0.2.1',
        dns: ['192.0.2.53'],
      }),
      sshKeys: [ALICE_KEY, `${BOB_KEY.split(' ').slice(0, 2).join(' ')} bob: "x" # {{.VMName}} &a *a`],
      ...over,
    },
  });

describe.skipIf(tools.length === 0 || !haveIsoinfo)('seed ISOs built with the installed tools', () => {
  for (const tool of tools) {
    it(`${tool}: volume cidata, exact files by their Rock Ridge and Joliet names, no plaintext`, async () => {
      const seed = buildSeed(richInput());
      const iso = await buildSeedIsoLocal(seed, { tool, run: runLocal });
      const path = file(iso);
      expect(isoinfo(['-d', '-i', path])).toMatch(/^Volume id: cidata$/m);
      const names = isoinfo(['-R', '-f', '-i', path]).split('\n').filter(Boolean).sort();
      expect(names).toEqual(['/meta-data', '/network-config', '/user-data']);
      for (const flag of ['-R', '-J']) {
        expect(isoinfo([flag, '-i', path, '-x', '/user-data'])).toBe(seed.userData);
        expect(isoinfo([flag, '-i', path, '-x', '/meta-data'])).toBe(seed.metaData);
        expect(isoinfo([flag, '-i', path, '-x', '/network-config'])).toBe(seed.networkConfig);
      }
      const cfg = parseCloudYaml(isoinfo(['-R', '-i', path, '-x', '/user-data'])) as Mapping;
      expect(cfg.hostname).toBe('app-2');
      const user = (cfg.users as Mapping[])[0]!;
      expect(user).toMatchObject({
        name: 'admin',
        groups: ['wheel'],
        lock_passwd: false,
        passwd: PASSWORD_HASH,
      });
      const keys = user.ssh_authorized_keys as string[];
      expect(keys[0]).toBe(ALICE_KEY);
      expect(keys[1]).toBe(`${BOB_KEY.split(' ').slice(0, 2).join(' ')} bob: "x" # {{.VMName}} &a *a`);
      expect(String(user.passwd)).toMatch(/^\$6\$/);
      expect(verifyPassword(PASSWORD, String(user.passwd))).toBe(true);
      expect(parseCloudYaml(isoinfo(['-R', '-i', path, '-x', '/meta-data']))).toEqual({
        'instance-id': 'i-0123456789abcdef',
        'local-hostname': 'app-2',
      });
      expect(iso.includes(Buffer.from(PASSWORD))).toBe(false);
      expect(iso.includes(Buffer.from(PASSWORD, 'utf16le'))).toBe(false);
      expect(iso.includes(Buffer.from(PASSWORD, 'utf16le').swap16())).toBe(false);
    });
  }

  it('leaves out network-config when there is none', async () => {
    const path = file(await buildSeedIsoLocal(buildSeed(baseInput()), { tool: tools[0]!, run: runLocal }));
    expect(isoinfo(['-R', '-f', '-i', path]).split('\n').filter(Boolean).sort()).toEqual([
      '/meta-data',
      '/user-data',
    ]);
  });

  it('refuses YAML injection through the VM name, the user and the instance id before any ISO is built', () => {
    const attempts: [Partial<SeedInput>, string][] = [
      [{ vmName: 'x\nssh_pwauth: true' }, 'customization.hostname'],
      [{ vmName: 'web: {{.Host}}' }, 'customization.hostname'],
      [{ overrides: { userDataMode: 'merge', user: 'admin\n  sudo: ALL' } }, 'customization.user'],
      [{ overrides: { userDataMode: 'merge', timezone: 'UTC\nruncmd: [id]' } }, 'customization.timezone'],
      [{ instanceId: 'i-1\nlocal-hostname: evil' }, 'instanceId'],
    ];
    for (const [over, field] of attempts) {
      const err = (() => {
        try {
          buildSeed(baseInput(over));
        } catch (e) {
          return e;
        }
        return null;
      })();
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).field).toBe(field);
    }
  });
});

/** Inputs whose every generated user-data should be valid cloud-config, hostile strings included. */
function schemaSeeds(): Seed[] {
  const cases = Object.values(GOLDEN_CASES).filter((i) => i.overrides.userDataMode === 'merge');
  return [
    ...cases.map((i) => buildSeed(i)),
    buildSeed(richInput()),
    buildSeed(
      richInput({
        installAgent: true,
        userData: '#cloud-config\nwrite_files: [{path: /etc/motd, content: "yes: no # hi"}]\n',
      }),
    ),
    buildSeed(
      baseInput({
        profile: GOLDEN_CASES['rhel-spec-agent-password']!.profile,
        overrides: { userDataMode: 'merge', passwordHash: PASSWORD_HASH },
      }),
    ),
  ];
}

describe.skipIf(!haveCloudInit)('cloud-init schema', () => {
  it('accepts every generated user-data', () => {
    for (const seed of schemaSeeds()) {
      const path = file(seed.userData);
      const r = spawnSync('cloud-init', ['schema', '--config-file', path], { encoding: 'utf8' });
      expect(r.status, `${r.stdout}${r.stderr}\n${seed.userData}`).toBe(0);
      expect(`${r.stdout}${r.stderr}`).toMatch(/Valid cloud-config/);
      expect(`${r.stdout}${r.stderr}`).not.toMatch(/deprecat|error/i);
    }
  });
});

describe.skipIf(!python)("cloud-init's PyYAML and shellify", () => {
  const hostile = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }));

  it('reads back exactly what the yaml library meant, for the golden cases and hostile user-data', () => {
    const seeds: Seed[] = Object.values(GOLDEN_CASES).map((i) => buildSeed(i));
    const expected: unknown[] = [];
    const texts: string[] = [];
    const samples = fc.sample(
      fc.dictionary(hostile, fc.oneof(hostile, fc.array(hostile, { maxLength: 3 }))),
      {
        numRuns: 150,
        seed: 42,
      },
    );
    for (const theirs of samples) {
      const userData = `#cloud-config\n${JSON.stringify({ extra: theirs })}\n`;
      try {
        seeds.push(buildSeed(richInput({ userData })));
      } catch (err) {
        expect((err as AppError).field).toBe('customization.userData');
      }
    }
    expect(seeds.length).toBeGreaterThan(100);
    for (const seed of seeds) {
      for (const text of [seed.userData, seed.metaData, seed.networkConfig]) {
        if (text === null || text.startsWith('#!')) continue;
        texts.push(text);
        expected.push(JSON.parse(JSON.stringify(parseCloudYaml(text))));
      }
    }
    expect(pyyamlLoad(texts)).toEqual(expected);
  });

  it('reads the hostile YAML 1.1 look-alikes as strings', () => {
    const tricky = [
      'y',
      'n',
      'yes',
      'No',
      'on',
      '~',
      'null',
      '=',
      '1e3',
      '1_000',
      '0b101',
      '0x_1',
      '017',
      '1.',
      '.5',
      '+.inf',
      '.NaN',
      '190:20:30',
      '1:30',
      '2001-12-14',
      '<<',
      '!x',
      '&a',
      '*a',
      '- a',
      'a: b',
      '# c',
      '{{.VMName}}',
    ];
    const seed = buildSeed(richInput({ userData: `#cloud-config\n${JSON.stringify({ tricky })}\n` }));
    const [cfg] = pyyamlLoad([seed.userData]) as [Mapping];
    expect(cfg.tricky).toEqual(tricky);
  });

  it('passes the agent URL to the installer as one argument, whatever it contains', () => {
    const stub = file('#!/bin/sh\nfor a in "$@"; do printf "%s\\0" "$a"; done\n');
    chmodSync(stub, 0o755);
    const urls = [
      'https://x.example/a?b=$(touch /tmp/pwned)&c=`id`;d=\'e\'"f"',
      "https://x.example/'; rm -rf / #",
      ...fc
        .sample(fc.string({ unit: 'grapheme' }), { numRuns: 50, seed: 7 })
        .map((s) => `https://x.example/${s}`),
    ];
    const commands: unknown[][] = [];
    const accepted: string[] = [];
    for (const url of urls) {
      let seed: Seed;
      try {
        seed = buildSeed(
          baseInput({
            agent: { url, sha256: AGENT.sha256 },
            overrides: { userDataMode: 'merge', installAgent: true },
          }),
        );
      } catch (err) {
        expect((err as AppError).field).toBe('customization.installAgent');
        continue;
      }
      const runcmd = (parseCloudYaml(seed.userData) as Mapping).runcmd as unknown[][];
      const cmd = runcmd.find((c) => c[0] === AGENT_INSTALLER_PATH)!;
      commands.push([stub, ...cmd.slice(1)]);
      accepted.push(url);
    }
    expect(accepted.length).toBeGreaterThan(25);
    // cloud-init turns runcmd into a shell script with shellify; one script per command here.
    const scripts = JSON.parse(
      execFileSync(
        PYTHON,
        [
          '-c',
          'import json, sys\nfrom cloudinit.util import shellify\nprint(json.dumps([shellify([c]) for c in json.load(open(sys.argv[1]))]))',
          file(JSON.stringify(commands)),
        ],
        { encoding: 'utf8' },
      ),
    ) as string[];
    scripts.forEach((script, i) => {
      const args = execFileSync('sh', [file(script)], { encoding: 'utf8' })
        .split('\0')
        .slice(0, -1);
      expect(args).toEqual([accepted[i], AGENT.sha256]);
    });
    expect(existsSync('/tmp/pwned')).toBe(false);
  });
});

describe('no plaintext password in any document', () => {
  it('holds for every golden case', () => {
    for (const input of Object.values(GOLDEN_CASES)) {
      const seed = buildSeed(input);
      expect(JSON.stringify(seed)).not.toContain(PASSWORD);
    }
    expect(readFileSync(join(__dirname, 'fixtures.ts'), 'utf8')).toContain('hashPassword(PASSWORD)');
  });
});
