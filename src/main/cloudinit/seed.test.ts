import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Document, parseDocument } from 'yaml';
import {
  AGENT,
  ALICE_KEY,
  BOB_KEY,
  baseInput,
  EMPTY_SPEC,
  GOLDEN_CASES,
  PASSWORD,
  PASSWORD_HASH,
} from '../../../tests/integration/cloudinit/fixtures';
import { AppError } from '../../shared/domain/errors';
import { GUEST_PROFILES } from '../../shared/domain/guest-profiles';
import { formatSshKey, parseSshPublicKey } from '../../shared/domain/ssh-keys';
import { hashPassword, verifyPassword } from './password';
import {
  AGENT_INSTALLER_PATH,
  AGENT_INSTALLER_SCRIPT,
  buildSeed,
  CLOUD_YAML,
  CLOUD_YAML_EMIT,
  dhcpNetworkConfig,
  ipFamily,
  type SeedInput,
  staticNetworkConfig,
} from './seed';

type Mapping = Record<string, unknown>;

const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.QHCI_UPDATE_GOLDEN === '1';

/** Reads a document the way cloud-init's PyYAML does (YAML 1.1). */
function load(text: string): Mapping {
  const doc = parseDocument(text, { ...CLOUD_YAML, uniqueKeys: true });
  expect(doc.errors).toEqual([]);
  return doc.toJS() as Mapping;
}

function user(seed: { userData: string }): Mapping {
  return (load(seed.userData).users as Mapping[])[0]!;
}

/** The AppError buildSeed throws for `input`, or fails. */
function refusal(input: SeedInput): AppError {
  try {
    buildSeed(input);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected buildSeed to refuse the input');
}

function cloudConfig(body: Mapping): string {
  return `#cloud-config\n${new Document(body, CLOUD_YAML_EMIT).toString({ lineWidth: 0 })}`;
}

/** Every character YAML 1.1 cannot carry unchanged; buildSeed refuses these. */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const HOSTILE = [
  'a: b',
  'x\ny: z',
  '"quoted"',
  "'single'",
  '# comment',
  'v #c',
  '{{.VMName}}',
  '{{',
  '&anchor x',
  '*alias',
  '!!python/object/apply:os.system ["id"]',
  '- item',
  '? key',
  '|',
  '>-',
  '%YAML 1.1',
  '---',
  '...',
  'yes',
  'No',
  'on',
  '0755',
  '1:30',
  '~',
  'null',
  '<<',
  '$(id)',
  '`id`',
  "'; rm -rf / #",
  ' leading',
  'trailing ',
  '',
  '\t',
  'ünïcødé ✓ 🚀',
  'y',
  'n',
  '=',
  '1e3',
  '1_000',
  '1.',
  '1._',
  '.5',
  '0b101',
  '0x_1',
  '+.inf',
  '.NaN',
  '190:20:30',
  '2001-12-14',
  '2001-12-14 21:59:43.10 -5',
  '-0',
];
const hostile = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
);

describe('buildSeed golden files', () => {
  for (const [name, input] of Object.entries(GOLDEN_CASES)) {
    it(`${name} matches its golden documents`, () => {
      const seed = buildSeed(input);
      const files: [string, string | null][] = [
        ['user-data', seed.userData],
        ['meta-data', seed.metaData],
        ['network-config', seed.networkConfig],
      ];
      const dir = join(GOLDEN, name);
      if (UPDATE) {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        for (const [file, text] of files) if (text !== null) writeFileSync(join(dir, file), text);
      }
      for (const [file, text] of files) {
        const path = join(dir, file);
        if (text === null) expect(existsSync(path), `${path} should not exist`).toBe(false);
        else expect(text, `${path} (regenerate with QHCI_UPDATE_GOLDEN=1)`).toBe(readFileSync(path, 'utf8'));
      }
    });
  }
});

describe('buildSeed generated config', () => {
  it('renders the hostname into user-data and meta-data, with the defaults filled in', () => {
    const seed = buildSeed(baseInput());
    expect(seed.hostname).toBe('web');
    expect(seed.userData.split('\n')[0]).toBe('#cloud-config');
    const cfg = load(seed.userData);
    expect(Object.keys(cfg)).toEqual(['hostname', 'preserve_hostname', 'timezone', 'ssh_pwauth', 'users']);
    expect(cfg).toMatchObject({
      hostname: 'web',
      preserve_hostname: false,
      timezone: 'UTC',
      ssh_pwauth: false,
    });
    expect(user(seed)).toEqual({
      name: 'admin',
      groups: ['sudo'],
      sudo: 'ALL=(ALL) NOPASSWD:ALL',
      shell: '/bin/bash',
      lock_passwd: true,
    });
    expect(load(seed.metaData)).toEqual({ 'instance-id': 'i-0123456789abcdef', 'local-hostname': 'web' });
    expect(seed.networkConfig).toBeNull();
  });

  it('renders {{.VMName}} {{.Index}} {{.Random}} {{.Host}}, the host by its first DNS label', () => {
    const seed = buildSeed(
      baseInput({
        index: 7,
        overrides: { userDataMode: 'merge', hostname: '{{.Host}}-{{.VMName}}-{{.Index}}-{{.Random}}' },
      }),
    );
    expect(seed.hostname).toBe('kvm1-web-7-a1b2c3');
    expect(load(seed.metaData)['local-hostname']).toBe('kvm1-web-7-a1b2c3');
  });

  it('refuses a template that renders to an invalid hostname, naming customization.hostname', () => {
    const e = refusal(baseInput({ vmName: 'bad_name' }));
    expect(e.code).toBe('VALIDATION');
    expect(e.field).toBe('customization.hostname');
    expect(refusal(baseInput({ overrides: { userDataMode: 'merge', hostname: '{{.Nope}}' } })).field).toBe(
      'customization.hostname',
    );
  });

  it('gives the sudo group of the profile family: sudo on Debian/Ubuntu, wheel on RHEL/Fedora', () => {
    const group = (id: keyof typeof GUEST_PROFILES) =>
      user(buildSeed(baseInput({ profile: GUEST_PROFILES[id] }))).groups;
    expect(group('debian')).toEqual(['sudo']);
    expect(group('ubuntu')).toEqual(['sudo']);
    expect(group('rhel')).toEqual(['wheel']);
    expect(group('fedora')).toEqual(['wheel']);
    expect(refusal(baseInput({ profile: GUEST_PROFILES['windows-11'] })).field).toBe('profile');
  });

  it('overrides win over the spec, and the spec over the defaults', () => {
    const spec = {
      ...EMPTY_SPEC,
      timezone: 'Europe/Berlin',
      sshKeys: [ALICE_KEY],
      hostnameTemplate: 'spec-{{.VMName}}',
    };
    const fromSpec = buildSeed(baseInput({ spec }));
    expect(fromSpec.hostname).toBe('spec-web');
    expect(load(fromSpec.userData).timezone).toBe('Europe/Berlin');
    expect(user(fromSpec).ssh_authorized_keys).toEqual([ALICE_KEY]);
    const over = buildSeed(
      baseInput({
        spec,
        overrides: {
          userDataMode: 'merge',
          timezone: 'Asia/Tokyo',
          sshKeys: [BOB_KEY],
          hostname: 'o-{{.VMName}}',
          user: 'ops',
        },
      }),
    );
    expect(over.hostname).toBe('o-web');
    expect(load(over.userData).timezone).toBe('Asia/Tokyo');
    expect(user(over)).toMatchObject({ name: 'ops', ssh_authorized_keys: [BOB_KEY] });
  });

  it('writes the $6$ hash with lock_passwd false, which verifies, and never a plaintext', () => {
    const hash = hashPassword(PASSWORD);
    const seed = buildSeed(baseInput({ overrides: { userDataMode: 'merge', passwordHash: hash } }));
    const u = user(seed);
    expect(u.lock_passwd).toBe(false);
    expect(u.passwd).toBe(hash);
    expect(verifyPassword(PASSWORD, u.passwd as string)).toBe(true);
    expect(load(seed.userData).ssh_pwauth).toBe(false);
    expect(JSON.stringify(seed)).not.toContain(PASSWORD);
    const fromSpec = user(buildSeed(baseInput({ spec: { ...EMPTY_SPEC, passwordHash: PASSWORD_HASH } })));
    expect(verifyPassword(PASSWORD, fromSpec.passwd as string)).toBe(true);
  });

  it('refuses a password that is not a $6$ hash, so a plaintext can never reach the seed', () => {
    const e = refusal(baseInput({ overrides: { userDataMode: 'merge', passwordHash: PASSWORD } }));
    expect(e.field).toBe('customization.password');
    expect(e.message).not.toContain(PASSWORD);
  });

  it('refuses bad users, time zones, keys and instance ids with their field', () => {
    const o = (x: Partial<SeedInput['overrides']>) =>
      baseInput({ overrides: { userDataMode: 'merge', ...x } });
    expect(refusal(o({ user: 'root' })).field).toBe('customization.user');
    expect(refusal(o({ user: 'a: b' })).field).toBe('customization.user');
    expect(refusal(o({ timezone: 'Mars/Olympus' })).field).toBe('customization.timezone');
    expect(refusal(o({ sshKeys: [`${ALICE_KEY}\nssh-rsa AAAA`] })).field).toBe('customization.sshKeys');
    expect(refusal(baseInput({ spec: { ...EMPTY_SPEC, sshKeys: ['nope'] } })).field).toBe('spec.sshKeys');
    expect(refusal(baseInput({ instanceId: 'i-1\nlocal-hostname: evil' })).field).toBe('instanceId');
  });
});

describe('buildSeed agents', () => {
  const withAgent = (agent: SeedInput['agent']) =>
    baseInput({ agent, overrides: { userDataMode: 'merge', installAgent: true } });

  it('installs qemu-guest-agent and the QHCI agent through the installer, URL and hash as argv', () => {
    const cfg = load(buildSeed(withAgent(AGENT)).userData);
    expect(cfg.package_update).toBe(true);
    expect(cfg.packages).toEqual(['qemu-guest-agent', 'curl']);
    expect(cfg.runcmd).toEqual([
      ['systemctl', 'enable', '--now', 'qemu-guest-agent'],
      [AGENT_INSTALLER_PATH, AGENT.url, AGENT.sha256],
    ]);
    const files = cfg.write_files as Mapping[];
    expect(files[0]).toEqual({
      path: AGENT_INSTALLER_PATH,
      owner: 'root:root',
      permissions: '0700',
      content: AGENT_INSTALLER_SCRIPT,
    });
    // Nothing the user controls is inside a shell string: the only strings in runcmd are argv items.
    for (const cmd of cfg.runcmd as unknown[]) expect(Array.isArray(cmd)).toBe(true);
    expect(AGENT_INSTALLER_SCRIPT).not.toContain(AGENT.url);
  });

  it('refuses to install the agent without a SHA-256, or from anything but https', () => {
    for (const agent of [null, { url: AGENT.url, sha256: '' }]) {
      const e = refusal(withAgent(agent));
      expect(e.field).toBe('customization.installAgent');
      expect(e.message).toMatch(/no SHA-256 checksum is configured.*never downloaded unverified/);
    }
    for (const url of [
      'http://x.example/agent',
      'ftp://x.example/a',
      'file:///etc/passwd',
      'HTTPS://x/a',
      'https://u:p@x.example/a',
      'https://x.example/a b',
    ]) {
      expect(refusal(withAgent({ url, sha256: AGENT.sha256 })).field).toBe('customization.installAgent');
    }
    expect(refusal(withAgent({ url: AGENT.url, sha256: 'abc' })).field).toBe('customization.installAgent');
    expect(refusal(withAgent({ url: AGENT.url, sha256: `${AGENT.sha256};id` })).field).toBe(
      'customization.installAgent',
    );
    // The spec asking for the agent is enough to need the checksum.
    expect(refusal(baseInput({ agent: null, spec: { ...EMPTY_SPEC, installAgent: true } })).field).toBe(
      'customization.installAgent',
    );
  });

  describe('the installer script', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qhci-installer-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const payload = join(dir, 'payload');
    writeFileSync(payload, '#!/bin/sh\necho agent\n');
    const good = execFileSync('sha256sum', [payload], { encoding: 'utf8' }).split(' ')[0]!;
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    // curl copies the payload and records its argv; systemctl and install record theirs.
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/${name}.args"\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub('curl', `while [ "$#" -gt 0 ]; do [ "$1" = -o ] && cp "${payload}" "$2"; shift; done`);
    stub('systemctl', 'true');
    stub('install', 'true');
    const script = join(dir, 'install.sh');
    writeFileSync(script, AGENT_INSTALLER_SCRIPT);
    const run = (url: string, sum: string) => {
      for (const f of ['curl', 'systemctl', 'install']) rmSync(join(dir, `${f}.args`), { force: true });
      return spawnSync('sh', [script, url, sum], {
        env: { PATH: `${bin}:/usr/bin:/bin`, TMPDIR: dir },
        encoding: 'utf8',
      });
    };

    it('installs only after the checksum matches', () => {
      const r = run('https://x.example/a', good);
      expect(r.status, r.stderr).toBe(0);
      const curl = readFileSync(join(dir, 'curl.args'), 'utf8').split('\n');
      expect(curl).toEqual(
        expect.arrayContaining(['--proto', '=https', '--proto-redir', '--tlsv1.2', '-fsSL']),
      );
      expect(readFileSync(join(dir, 'install.args'), 'utf8')).toContain('/usr/local/bin/qhci-agent');
      expect(readFileSync(join(dir, 'systemctl.args'), 'utf8')).toContain('qhci-agent.service');
    });

    it('installs nothing on a checksum mismatch, a non-https URL or a malformed hash', () => {
      const bad = run('https://x.example/a', 'f'.repeat(64));
      expect(bad.status).toBe(1);
      expect(bad.stderr).toContain('checksum mismatch');
      expect(existsSync(join(dir, 'install.args'))).toBe(false);
      expect(run('http://x.example/a', good).status).toBe(2);
      expect(existsSync(join(dir, 'curl.args'))).toBe(false);
      expect(run('https://x.example/a', good.toUpperCase()).status).toBe(2);
      expect(run('https://x.example/a', `${good}0`).status).toBe(2);
      expect(existsSync(join(dir, 'install.args'))).toBe(false);
    });
  });
});

describe('buildSeed user-data merge and raw modes', () => {
  const merge = (specUserData: string, userData?: string, extra: Partial<SeedInput> = {}) =>
    baseInput({
      spec: { ...EMPTY_SPEC, installAgent: true, userData: specUserData },
      overrides: { userDataMode: 'merge', ...(userData === undefined ? {} : { userData }) },
      ...extra,
    });

  it('merges spec then override: lists after ours, packages de-duplicated, mappings recursively, scalars win', () => {
    const cfg = load(
      buildSeed(
        merge(
          '#cloud-config\npackages: [htop, curl]\nruncmd: [echo spec]\napt: {conf: a, sources: {x: {source: s}}}\ntimezone: Asia/Tokyo\n',
          '#cloud-config\npackages: [jq, htop]\nruncmd: [[echo, override]]\napt: {sources: {y: {source: t}, n: {source: u}}}\nfinal_message: done\npackage_upgrade: true\n',
        ),
      ).userData,
    );
    expect(cfg.packages).toEqual(['qemu-guest-agent', 'curl', 'htop', 'jq']);
    expect(cfg.runcmd).toEqual([
      ['systemctl', 'enable', '--now', 'qemu-guest-agent'],
      [AGENT_INSTALLER_PATH, AGENT.url, AGENT.sha256],
      'echo spec',
      ['echo', 'override'],
    ]);
    expect(cfg.apt).toEqual({
      conf: 'a',
      sources: { x: { source: 's' }, y: { source: 't' }, n: { source: 'u' } },
    });
    expect(cfg.timezone).toBe('Asia/Tokyo');
    expect(cfg.final_message).toBe('done');
    expect(cfg.package_upgrade).toBe(true);
    expect(Object.keys(cfg).slice(0, 5)).toEqual([
      'hostname',
      'preserve_hostname',
      'timezone',
      'ssh_pwauth',
      'users',
    ]);
  });

  it('refuses what would loosen or replace what QHCI manages', () => {
    const cases = [
      '#cloud-config\nssh_pwauth: true\n',
      '#cloud-config\nhostname: other\n',
      '#cloud-config\npreserve_hostname: true\n',
      '#cloud-config\nusers: [{name: admin, sudo: false}]\n',
      '#cloud-config\nusers: [admin]\n',
      `#cloud-config\nwrite_files: [{path: ${AGENT_INSTALLER_PATH}, content: x}]\n`,
      '#cloud-config\nruncmd: echo not-a-list\n',
      '#cloud-config\npackages: {a: 1}\n',
      '#cloud-config\nbad: "\\x85"\n',
      '#cloud-config\n"<<": x\n',
      '#cloud-config\na: {"<<": x}\n',
    ];
    for (const text of cases) {
      const e = refusal(merge('', text));
      expect(e.code, text).toBe('VALIDATION');
      expect(e.field, text).toBe('customization.userData');
    }
    expect(refusal(merge('#cloud-config\nssh_pwauth: yes\n')).field).toBe('spec.userData');
    // Restating QHCI's own value, adding other users or an empty key is fine.
    const cfg = load(
      buildSeed(
        merge(
          '',
          '#cloud-config\nssh_pwauth: false\nusers: [default, {name: bob}]\nruncmd:\nhostname: web\n',
        ),
      ).userData,
    );
    expect((cfg.users as unknown[]).slice(1)).toEqual(['default', { name: 'bob' }]);
    expect((cfg.runcmd as unknown[]).length).toBe(2);
  });

  it('refuses a script user-data in merge mode, and uses it exactly in raw mode', () => {
    const script = '#!/bin/sh\necho "hi: {{x}}" # not yaml\n';
    expect(refusal(merge('', script)).message).toContain('a script user-data can only be used in raw mode');
    const raw = buildSeed(baseInput({ overrides: { userDataMode: 'raw', userData: script } }));
    expect(raw.userData).toBe(script);
    expect(load(raw.metaData)).toEqual({ 'instance-id': 'i-0123456789abcdef', 'local-hostname': 'web' });
    const text = '#cloud-config\n# comments and odd spacing are kept\nruncmd:   [ "x" ]\n';
    expect(
      buildSeed(baseInput({ spec: { ...EMPTY_SPEC, userData: text }, overrides: { userDataMode: 'raw' } }))
        .userData,
    ).toBe(text);
  });

  it('refuses raw mode together with settings it would silently drop', () => {
    const raw = (x: Partial<SeedInput['overrides']>, spec = EMPTY_SPEC) =>
      baseInput({ spec, overrides: { userDataMode: 'raw', userData: '#cloud-config\n{}\n', ...x } });
    expect(refusal(raw({ user: 'ops' })).field).toBe('customization.user');
    expect(refusal(raw({ sshKeys: [ALICE_KEY] })).field).toBe('customization.sshKeys');
    expect(refusal(raw({ passwordHash: PASSWORD_HASH })).field).toBe('customization.password');
    expect(refusal(raw({ timezone: 'UTC' })).field).toBe('customization.timezone');
    expect(refusal(raw({}, { ...EMPTY_SPEC, installAgent: true })).field).toBe('customization.installAgent');
    expect(refusal(baseInput({ overrides: { userDataMode: 'raw' } })).field).toBe('customization.userData');
  });
});

describe('buildSeed network-config', () => {
  it('uses the override, else the spec, else none; re-serialised and unwrapped from network:', () => {
    const v1 = 'network:\n  version: 1\n  config: [{type: physical, name: eth0, subnets: [{type: dhcp}]}]\n';
    const v2 = dhcpNetworkConfig();
    expect(buildSeed(baseInput()).networkConfig).toBeNull();
    const fromSpec = buildSeed(baseInput({ spec: { ...EMPTY_SPEC, networkConfig: v1 } })).networkConfig!;
    expect(load(fromSpec)).toEqual({
      version: 1,
      config: [{ type: 'physical', name: 'eth0', subnets: [{ type: 'dhcp' }] }],
    });
    const over = buildSeed(
      baseInput({
        spec: { ...EMPTY_SPEC, networkConfig: v1 },
        overrides: { userDataMode: 'merge', networkConfig: v2 },
      }),
    ).networkConfig!;
    expect(load(over)).toEqual({ version: 2, ethernets: { nics: { match: { name: 'e*' }, dhcp4: true } } });
    expect(
      refusal(baseInput({ overrides: { userDataMode: 'merge', networkConfig: 'version: 3\n' } })).field,
    ).toBe('customization.networkConfig');
  });

  it('builds static version 2 configs and refuses malformed addresses', () => {
    const cfg = load(
      staticNetworkConfig({
        address: '192.0.2.10/24',
        gateway: '192.0.2.1',
        dns: ['192.0.2.53', '2001:db8::53'],
      }),
    );
    expect(cfg).toEqual({
      version: 2,
      ethernets: {
        nics: {
          match: { name: 'e*' },
          addresses: ['192.0.2.10/24'],
          routes: [{ to: '0.0.0.0/0', via: '192.0.2.1' }],
          nameservers: { addresses: ['192.0.2.53', '2001:db8::53'] },
        },
      },
    });
    expect(load(staticNetworkConfig({ address: '2001:db8::10/64', gateway: '2001:db8::1' }))).toMatchObject({
      ethernets: { nics: { routes: [{ to: '::/0', via: '2001:db8::1' }] } },
    });
    expect(() => staticNetworkConfig({ address: '192.0.2.10' })).toThrow(AppError);
    expect(() => staticNetworkConfig({ address: '192.0.2.10/33' })).toThrow(AppError);
    expect(() => staticNetworkConfig({ address: '192.0.2.10/24', gateway: '2001:db8::1' })).toThrow(AppError);
    expect(() => staticNetworkConfig({ address: '192.0.2.10/24', dns: ['a; id'] })).toThrow(AppError);
  });
});

describe('ipFamily', () => {
  it("agrees with node:net's isIP on addresses and on junk (zone ids aside)", () => {
    const junk = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.%/[] x'.split('')) });
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6(), fc.ipV4Extended(), junk, fc.string()), (ip) => {
        fc.pre(!ip.includes('%'));
        expect(ipFamily(ip)).toBe(isIP(ip));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('buildSeed with hostile strings (properties)', () => {
  /** Either a VALIDATION refusal naming `field`, or the output built from the input. */
  function refusedOr(input: SeedInput, field: string, check: (seed: ReturnType<typeof buildSeed>) => void) {
    let seed;
    try {
      seed = buildSeed(input);
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('VALIDATION');
      expect((err as AppError).field).toBe(field);
      return;
    }
    check(seed);
  }

  const KEYS = ['hostname', 'preserve_hostname', 'timezone', 'ssh_pwauth', 'users'];

  it('vm names: refused, or exactly the hostname', () => {
    fc.assert(
      fc.property(hostile, (vmName) =>
        refusedOr(baseInput({ vmName }), 'customization.hostname', (seed) => {
          expect(seed.hostname).toBe(vmName);
          expect(load(seed.userData).hostname).toBe(vmName);
          expect(load(seed.metaData)).toEqual({
            'instance-id': 'i-0123456789abcdef',
            'local-hostname': vmName,
          });
        }),
      ),
    );
  });

  it('hostname templates: refused, or their text exactly', () => {
    fc.assert(
      fc.property(hostile, (text) =>
        refusedOr(
          baseInput({ overrides: { userDataMode: 'merge', hostname: text } }),
          'customization.hostname',
          (seed) => expect(load(seed.userData).hostname).toBe(text.replace(/\{\{\s*\.VMName\s*\}\}/g, 'web')),
        ),
      ),
    );
  });

  it('user names: refused, or exactly the account name', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.stringMatching(/^[a-z_][a-z0-9_-]{0,31}$/)), (name) =>
        refusedOr(
          baseInput({ overrides: { userDataMode: 'merge', user: name } }),
          'customization.user',
          (seed) => {
            const cfg = load(seed.userData);
            expect(Object.keys(cfg)).toEqual(KEYS);
            expect(user(seed).name).toBe(name);
          },
        ),
      ),
    );
  });

  it('time zones: refused, or exactly the timezone', () => {
    const zones = fc.constantFrom(
      'UTC',
      'Europe/Berlin',
      'America/Argentina/Buenos_Aires',
      'Etc/GMT+5',
      'Asia/Kolkata',
    );
    fc.assert(
      fc.property(fc.oneof(hostile, zones), (tz) =>
        refusedOr(
          baseInput({ overrides: { userDataMode: 'merge', timezone: tz } }),
          'customization.timezone',
          (seed) => {
            const cfg = load(seed.userData);
            expect(Object.keys(cfg)).toEqual(KEYS);
            expect(cfg.timezone).toBe(tz);
          },
        ),
      ),
    );
  });

  it('ssh key comments: refused, or exactly the (normalised) key', () => {
    const blob = ALICE_KEY.split(' ').slice(0, 2).join(' ');
    fc.assert(
      fc.property(hostile, (comment) => {
        const key = `${blob} ${comment}`;
        refusedOr(
          baseInput({ overrides: { userDataMode: 'merge', sshKeys: [key] } }),
          'customization.sshKeys',
          (seed) => {
            const parsed = parseSshPublicKey(key);
            expect(parsed.ok).toBe(true);
            if (parsed.ok) expect(user(seed).ssh_authorized_keys).toEqual([formatSshKey(parsed.key)]);
            if (comment === comment.trim() && !/\s\s/.test(comment) && !/[\t]/.test(comment)) {
              expect(user(seed).ssh_authorized_keys).toEqual([key.trimEnd()]);
            }
          },
        );
      }),
    );
  });

  it('instance ids: refused, or exactly the instance-id', () => {
    fc.assert(
      fc.property(fc.oneof(hostile, fc.uuid()), (id) =>
        refusedOr(baseInput({ instanceId: id }), 'instanceId', (seed) =>
          expect(load(seed.metaData)).toEqual({ 'instance-id': id, 'local-hostname': 'web' }),
        ),
      ),
    );
  });

  it('agent URLs: refused, or exactly one argv item', () => {
    fc.assert(
      fc.property(hostile, (tail) => {
        const url = `https://downloads.example.com/${tail}`;
        refusedOr(
          baseInput({
            agent: { url, sha256: AGENT.sha256 },
            overrides: { userDataMode: 'merge', installAgent: true },
          }),
          'customization.installAgent',
          (seed) =>
            expect((load(seed.userData).runcmd as unknown[])[1]).toEqual([
              AGENT_INSTALLER_PATH,
              url,
              AGENT.sha256,
            ]),
        );
      }),
    );
  });

  it('user-data keys and values come out exactly, with no extra keys; unsafe characters are refused', () => {
    const safe = hostile.filter((s) => !UNSAFE.test(s));
    const key = safe.filter((k) => !KEYS.includes(k) && k !== '<<');
    const value = fc.oneof(
      safe,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(safe, { maxLength: 3 }),
      fc.dictionary(key, safe, { maxKeys: 3 }),
    );
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (theirs) => {
        const seed = buildSeed(
          baseInput({ overrides: { userDataMode: 'merge', userData: cloudConfig(theirs) } }),
        );
        const cfg = load(seed.userData);
        // (sorted: JavaScript lists integer-like keys first)
        expect(Object.keys(cfg).sort()).toEqual([...KEYS, ...Object.keys(theirs)].sort());
        for (const k of Object.keys(theirs)) expect(cfg[k]).toEqual(theirs[k]);
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((s) => UNSAFE.test(s)),
        (s) => {
          const text = `#cloud-config\nx: ${JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
          const e = refusal(baseInput({ overrides: { userDataMode: 'merge', userData: text } }));
          expect(e.field).toBe('customization.userData');
        },
      ),
    );
  });
});
