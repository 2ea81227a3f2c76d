/**
 * The cloud-init NoCloud seed: user-data, meta-data and network-config for one VM, built from the stored
 * customization spec and the per-VM overrides. Pure: no I/O, every document is emitted with the `yaml`
 * library (never by string concatenation).
 *
 * Rules, overrides winning over the spec and both over the defaults:
 * - hostname: rendered from the template (default `{{.VMName}}`); `{{.Host}}` is the first DNS label of the
 *   host's name. Emitted as `hostname` with `preserve_hostname: false`, and as meta-data `local-hostname`.
 * - one login account, no `default` entry: `users: [{ name, groups: [sudoGroup], sudo, shell, ... }]`, so the
 *   account QHCI shows is the only one cloud-init creates, whatever the image's default user is.
 *   `ssh_pwauth: false` always (keys, or the password on the console); `passwd` is only ever a `$6$` hash.
 * - installAgent: qemu-guest-agent from the distribution, and the QHCI agent fetched over https by a small
 *   installer script that checks the SHA-256 before installing anything. URL and checksum reach the script
 *   as a runcmd argv list (cloud-init quotes each item), never inside a shell string.
 * - user-data `merge` (the default): the generated config, then the spec's user-data, then the override's,
 *   each a `#cloud-config` mapping, are deep-merged: mappings merge recursively, lists concatenate (ours
 *   first; `packages` de-duplicated), the later scalar wins, a null adds nothing. Refused (VALIDATION) rather
 *   than silently dropped: changing a key QHCI manages (`hostname`, `preserve_hostname`, `ssh_pwauth`), a
 *   `users` entry for the account QHCI creates, a `write_files` entry at a path QHCI writes, a non-list or
 *   non-mapping where QHCI has one, and a `#!` script (a script can only be used in raw mode).
 * - user-data `raw`: the override's user-data, else the spec's, exactly as given; meta-data is still
 *   generated. The generated settings do not apply, so overriding user, sshKeys, password or timezone, or
 *   asking for the agent, together with raw mode is refused.
 * - network-config: the override's, else the spec's, re-serialised; else null (cloud-init then does DHCP).
 *
 * Documents are read and written with PyYAML's YAML 1.1 rules (cloud-init's loader): strings such as `yes`,
 * `0755`, `1:30`, `=` or `<<` are quoted so they stay strings, and `y`/`n` stay strings when user-data is read.
 * Characters YAML 1.1 cannot carry unchanged (control characters, NEL, U+2028/2029, BOM, non-characters,
 * lone surrogates) and a literal `<<` key in user-data are refused with the field that holds them.
 */
import { Document, parseDocument, type ScalarTag, type Tags } from 'yaml';
import { checkMetaData, checkNetworkConfig, checkUserData } from '../../shared/domain/cloud-config';
import { AppError } from '../../shared/domain/errors';
import type { GuestProfile } from '../../shared/domain/guest-profiles';
import { renderHostname } from '../../shared/domain/hostname-template';
import { GuestUserName } from '../../shared/domain/provision';
import { formatSshKey, parseSshPublicKey } from '../../shared/domain/ssh-keys';
import { isValidTimeZone } from '../../shared/domain/timezone';
import { isSha512CryptHash } from './password';

/** The control-plane agent download. */
export interface AgentConfig {
  url: string;
  sha256: string;
}

/** What main passes from the stored spec (already validated), with the password's hash, never the password. */
export interface SeedSpec {
  hostnameTemplate: string;
  timezone: string;
  sshKeys: readonly string[];
  passwordHash: string | null;
  installAgent: boolean;
  userData: string;
  metaData: string;
  networkConfig: string;
}

export interface SeedOverrides {
  hostname?: string;
  timezone?: string;
  user?: string;
  sshKeys?: readonly string[];
  passwordHash?: string;
  installAgent?: boolean;
  userData?: string;
  userDataMode: 'merge' | 'raw';
  networkConfig?: string;
}

export interface SeedInput {
  vmName: string;
  instanceId: string;
  /** 1-based position in a bulk creation. */
  index: number;
  /** The host's name, for {{.Host}}. */
  hostName: string;
  profile: GuestProfile;
  spec: SeedSpec | null;
  overrides: SeedOverrides;
  agent: AgentConfig | null;
  /** For {{.Random}}; deterministic in tests. */
  random?: () => string;
}

export interface Seed {
  hostname: string;
  userData: string;
  metaData: string;
  networkConfig: string | null;
}

export const DEFAULT_USER = 'admin';
export const DEFAULT_TIMEZONE = 'UTC';
export const DEFAULT_HOSTNAME_TEMPLATE = '{{.VMName}}';
export const SUDO_RULE = 'ALL=(ALL) NOPASSWD:ALL';
export const AGENT_INSTALLER_PATH = '/usr/local/sbin/qhci-agent-install';
export const AGENT_BINARY_PATH = '/usr/local/bin/qhci-agent';
export const AGENT_UNIT_PATH = '/etc/systemd/system/qhci-agent.service';

/** Top-level user-data keys whose value QHCI decides in merge mode. */
const MANAGED_KEYS = ['hostname', 'preserve_hostname', 'ssh_pwauth'] as const;

/**
 * POSIX sh, run as `qhci-agent-install URL SHA256`. Downloads to a private temp file over https only
 * (redirects included), checks the SHA-256, and only then installs and starts the agent.
 */
export const AGENT_INSTALLER_SCRIPT = `#!/bin/sh
# Written by QHCI: installs the QHCI agent. Usage: qhci-agent-install URL SHA256
set -eu
[ "$#" -eq 2 ] || { echo "usage: qhci-agent-install URL SHA256" >&2; exit 2; }
url=$1
sum=$2
case $url in
  https://*) ;;
  *) echo "qhci-agent-install: refusing a URL that is not https" >&2; exit 2 ;;
esac
case $sum in
  *[!0-9a-f]*) echo "qhci-agent-install: the SHA-256 must be 64 lowercase hex digits" >&2; exit 2 ;;
esac
[ "\${#sum}" -eq 64 ] || { echo "qhci-agent-install: the SHA-256 must be 64 lowercase hex digits" >&2; exit 2; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
curl --proto =https --proto-redir =https --tlsv1.2 -fsSL --retry 5 --retry-delay 5 --max-time 600 -o "$tmp" "$url"
if ! printf '%s  %s\\n' "$sum" "$tmp" | sha256sum -c --status -; then
  echo "qhci-agent-install: checksum mismatch, the download is not installed" >&2
  exit 1
fi
install -o root -g root -m 0755 "$tmp" ${AGENT_BINARY_PATH}
systemctl daemon-reload
systemctl enable --now qhci-agent.service
`;

export const AGENT_UNIT = `[Unit]
Description=QHCI agent
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=${AGENT_BINARY_PATH}
Restart=on-failure
RestartSec=5

[Install]
WantedBy=multi-user.target
`;

type Mapping = Record<string, unknown>;

function invalid(message: string, field: string): AppError {
  return new AppError('VALIDATION', message, field);
}

/** Characters YAML 1.1 (PyYAML) cannot carry unchanged, or that change meaning as line breaks. */
const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function describeChar(s: string): string {
  const m = UNSAFE_CHARS.exec(s);
  const code = m?.[0].codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function checkText(value: string, what: string, field: string): void {
  if (UNSAFE_CHARS.test(value)) {
    throw invalid(
      `${what} contains the character ${describeChar(value)}, which cloud-init cannot read`,
      field,
    );
  }
}

function isMapping(v: unknown): v is Mapping {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v)
  );
}

/** Sets a key on a plain object, `__proto__` included, without touching prototypes. */
function put(target: Mapping, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function has(obj: Mapping, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/*
 * cloud-init reads YAML with PyYAML, whose YAML 1.1 implicit types differ from the `yaml` library's: `y`
 * and `n` are strings, `1e3` is a string, `=` is an error. These tags are PyYAML's resolvers, so a plain
 * scalar parses to what cloud-init would see, and the emitter quotes every string PyYAML would not read as
 * a string (the emitter quotes a plain string that any default tag's `test` matches).
 */
const PY_BOOL_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function sexagesimal(text: string): number {
  return text.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

function resolvePyInt(source: string): number {
  const sign = source.startsWith('-') ? -1 : 1;
  const s = source.replace(/^[-+]/, '').replace(/_/g, '');
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.includes(':')) return sign * sexagesimal(s);
  if (s.length > 1 && s.startsWith('0')) return sign * parseInt(s, 8);
  return sign * Number(s);
}

function resolvePyFloat(source: string): number {
  const s = source.replace(/_/g, '');
  const sign = s.startsWith('-') ? -1 : 1;
  const body = s.replace(/^[-+]/, '');
  if (/^\.(?:inf|Inf|INF)$/.test(body)) return sign * Infinity;
  if (/^\.(?:nan|NaN|NAN)$/.test(body)) return NaN;
  if (body.includes(':')) {
    const [whole, frac] = body.split('.') as [string, string];
    return sign * (sexagesimal(whole) + Number(`0.${frac || '0'}`));
  }
  return sign * Number(body.endsWith('.') ? `${body}0` : body);
}

/** A float as PyYAML reads one: with a dot before any exponent. */
function stringifyPyFloat(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  const s = String(value);
  if (/^-?\d+$/.test(s)) return `${s}.0`;
  return /^-?\d+e/.test(s) ? s.replace('e', '.0e') : s;
}

const PYYAML_TAGS: ScalarTag[] = [
  {
    tag: 'tag:yaml.org,2002:bool',
    default: true,
    identify: (v) => typeof v === 'boolean',
    test: PY_BOOL,
    resolve: (s) => PY_BOOL_TRUE.test(s),
    stringify: ({ value }) => (value ? 'true' : 'false'),
  },
  {
    tag: 'tag:yaml.org,2002:int',
    default: true,
    identify: (v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)),
    test: PY_INT,
    resolve: resolvePyInt,
    stringify: ({ value }) => String(value),
  },
  {
    tag: 'tag:yaml.org,2002:float',
    default: true,
    identify: (v) => typeof v === 'number',
    test: PY_FLOAT,
    resolve: resolvePyFloat,
    stringify: ({ value }) => stringifyPyFloat(value as number),
  },
  {
    // PyYAML resolves a plain `=` to its "value" tag, which its safe loader cannot construct.
    tag: 'tag:yaml.org,2002:value',
    default: true,
    identify: () => false,
    test: /^=$/,
    resolve: (s) => s,
  },
];
const REPLACED_TAGS = new Set(PYYAML_TAGS.map((t) => t.tag));

/**
 * For emitting: the `yaml` library's merge tag would write a `<<` string plain (PyYAML then reads a merge),
 * so it is left out and a guard makes the emitter quote `<<` instead.
 */
const MERGE_GUARD: ScalarTag = {
  tag: 'tag:qhci:merge-guard',
  default: true,
  identify: () => false,
  test: /^<<$/,
  resolve: (s) => s,
};

function pyyamlTags(tags: Tags): Tags {
  return [...PYYAML_TAGS, ...tags.filter((t) => typeof t === 'string' || !REPLACED_TAGS.has(t.tag))];
}

function pyyamlEmitTags(tags: Tags): Tags {
  return [
    ...pyyamlTags(tags).filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:merge'),
    MERGE_GUARD,
  ];
}

/** The `yaml` options that read documents as cloud-init's PyYAML does (`<<` merge keys included). */
export const CLOUD_YAML = { version: '1.1', customTags: pyyamlTags } as const;
/** The `yaml` options that write documents PyYAML reads back exactly. */
export const CLOUD_YAML_EMIT = { version: '1.1', customTags: pyyamlEmitTags, merge: false } as const;

function emit(value: Mapping): string {
  return new Document(value, CLOUD_YAML_EMIT).toString({ lineWidth: 0 });
}

/** Parses a cloud-init document as PyYAML would (for tests and callers that read seeds back). */
export function parseCloudYaml(text: string): unknown {
  return parseDocument(text, CLOUD_YAML).toJS({ maxAliasCount: 100 });
}

/** Parses a YAML mapping as cloud-init will (YAML 1.1); aliases are expanded, at most 100 of them. */
function parseMapping(text: string, what: string, field: string): Mapping {
  const doc = parseDocument(text, { ...CLOUD_YAML, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) throw invalid(`${what} is not valid YAML: ${doc.errors[0]!.message}`, field);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw invalid(`${what} could not be read: ${(err as Error).message}`, field);
  }
  if (value === null || value === undefined) return {};
  if (!isMapping(value)) throw invalid(`${what} must be a YAML mapping (key: value pairs)`, field);
  walkStrings(value, what, field);
  return value;
}

/** Refuses what the YAML 1.1 emitter cannot round-trip: unsafe characters and literal `<<` keys. */
function walkStrings(value: unknown, what: string, field: string): void {
  if (typeof value === 'string') checkText(value, what, field);
  else if (Array.isArray(value)) value.forEach((v) => walkStrings(v, what, field));
  else if (isMapping(value)) {
    for (const [k, v] of Object.entries(value)) {
      // The emitter writes a "<<" key plain, which PyYAML reads as a merge.
      if (k === '<<') throw invalid(`${what} has a key "<<" that is not a merge`, field);
      checkText(k, what, field);
      walkStrings(v, what, field);
    }
  }
}

interface Picked<T> {
  value: T;
  field: string;
}

/** The override if given, else the spec's value, else the default; with the field to blame. */
function pick<T>(override: T | undefined, spec: T | undefined, fallback: T, name: string): Picked<T> {
  if (override !== undefined) return { value: override, field: `customization.${name}` };
  if (spec !== undefined) return { value: spec, field: `spec.${name}` };
  return { value: fallback, field: `customization.${name}` };
}

/** A document's text, or undefined when empty. */
function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text.trim() === '' ? undefined : text;
}

function renderTheHostname(input: SeedInput): string {
  const template = pick(
    input.overrides.hostname,
    input.spec?.hostnameTemplate,
    DEFAULT_HOSTNAME_TEMPLATE,
    'hostname',
  );
  if (!Number.isSafeInteger(input.index) || input.index < 1) {
    throw invalid(`The VM index must be a whole number from 1 (got ${input.index})`, 'index');
  }
  const r = renderHostname(template.value, {
    vmName: input.vmName,
    index: input.index,
    host: input.hostName.split('.')[0] ?? input.hostName,
    ...(input.random ? { random: input.random } : {}),
  });
  if (!r.ok) throw invalid(r.reason, 'customization.hostname');
  return r.hostname;
}

function checkInstanceId(id: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id)) {
    throw invalid('The instance id must be 1 to 128 letters, digits, ".", "_", ":" or "-"', 'instanceId');
  }
}

function checkUser(name: string, field: string): void {
  const r = GuestUserName.safeParse(name);
  if (!r.success || r.data !== name) {
    throw invalid(
      r.success ? 'User name may not have surrounding spaces' : r.error.issues[0]!.message,
      field,
    );
  }
}

function checkKeys(keys: readonly string[], field: string): string[] {
  return keys.map((key, i) => {
    const r = parseSshPublicKey(key);
    if (!r.ok) throw invalid(`SSH key ${i + 1}: ${r.reason}`, field);
    const line = formatSshKey(r.key);
    checkText(line, `SSH key ${i + 1}`, field);
    return line;
  });
}

function checkAgent(agent: AgentConfig | null): { url: string; sha256: string } {
  const field = 'customization.installAgent';
  if (agent === null || agent.sha256.trim() === '') {
    throw invalid(
      'Cannot install the QHCI agent: no SHA-256 checksum is configured for its download; it is never downloaded unverified',
      field,
    );
  }
  const sha256 = agent.sha256.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha256)) {
    throw invalid('The QHCI agent checksum must be a SHA-256: 64 hexadecimal digits', field);
  }
  const url = agent.url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('The QHCI agent URL is not a valid URL', field);
  }
  if (parsed.protocol !== 'https:' || !url.startsWith('https://')) {
    throw invalid('The QHCI agent URL must use https://', field);
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f-\u009f]/.test(url) || url.length > 2048) {
    throw invalid(
      'The QHCI agent URL may not contain spaces or control characters (at most 2048 characters)',
      field,
    );
  }
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalid(
      'The QHCI agent URL may not contain credentials: the seed is readable inside the guest',
      field,
    );
  }
  checkText(url, 'The QHCI agent URL', field);
  return { url, sha256 };
}

function generatedConfig(input: SeedInput, hostname: string): Mapping {
  const { spec, overrides, profile } = input;
  const user = pick(overrides.user, undefined, DEFAULT_USER, 'user');
  checkUser(user.value, user.field);
  const tz = pick(overrides.timezone, spec?.timezone, DEFAULT_TIMEZONE, 'timezone');
  if (!isValidTimeZone(tz.value)) {
    throw invalid(
      `"${tz.value.slice(0, 64)}" is not a known IANA time zone (for example "Europe/Berlin" or "UTC")`,
      tz.field,
    );
  }
  const keys = pick(overrides.sshKeys, spec?.sshKeys, [], 'sshKeys');
  const sshKeys = checkKeys(keys.value, keys.field);
  const hash = pick<string | null>(overrides.passwordHash, spec?.passwordHash ?? undefined, null, 'password');
  if (hash.value !== null && !isSha512CryptHash(hash.value)) {
    throw invalid(
      'The password must reach the seed as a SHA-512 crypt ($6$) hash; a plaintext password is never written',
      hash.field,
    );
  }
  const account: Mapping = {
    name: user.value,
    groups: [profile.sudoGroup],
    sudo: SUDO_RULE,
    shell: '/bin/bash',
    lock_passwd: hash.value === null,
  };
  if (hash.value !== null) account.passwd = hash.value;
  if (sshKeys.length > 0) account.ssh_authorized_keys = sshKeys;

  const config: Mapping = {
    hostname,
    preserve_hostname: false,
    timezone: tz.value,
    ssh_pwauth: false,
    users: [account],
  };
  const installAgent = pick(overrides.installAgent, spec?.installAgent, false, 'installAgent');
  if (installAgent.value) {
    const agent = checkAgent(input.agent);
    config.package_update = true;
    config.packages = ['qemu-guest-agent', 'curl'];
    config.write_files = [
      {
        path: AGENT_INSTALLER_PATH,
        owner: 'root:root',
        permissions: '0700',
        content: AGENT_INSTALLER_SCRIPT,
      },
      { path: AGENT_UNIT_PATH, owner: 'root:root', permissions: '0644', content: AGENT_UNIT },
    ];
    config.runcmd = [
      ['systemctl', 'enable', '--now', 'qemu-guest-agent'],
      [AGENT_INSTALLER_PATH, agent.url, agent.sha256],
    ];
  }
  return config;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function mergeLists(key: string, ours: unknown[], theirs: unknown[]): unknown[] {
  if (key !== 'packages') return [...ours, ...theirs];
  const out = [...ours];
  for (const p of theirs) if (!out.some((q) => sameValue(p, q))) out.push(p);
  return out;
}

/** Deep merge of `theirs` into a copy of `ours`: see the module comment for the rule. */
function mergeMappings(ours: Mapping, theirs: Mapping, path: string, what: string, field: string): Mapping {
  const out: Mapping = {};
  for (const [k, v] of Object.entries(ours)) put(out, k, v);
  for (const [k, v] of Object.entries(theirs)) {
    const where = path === '' ? k : `${path}.${k}`;
    if (!has(out, k)) {
      put(out, k, v);
      continue;
    }
    const mine = out[k];
    if (v === null) continue;
    if (isMapping(mine)) {
      if (!isMapping(v)) throw invalid(`${what}: "${where}" must be a mapping to merge with QHCI's`, field);
      put(out, k, mergeMappings(mine, v, where, what, field));
    } else if (Array.isArray(mine)) {
      if (!Array.isArray(v)) throw invalid(`${what}: "${where}" must be a list to merge with QHCI's`, field);
      put(out, k, mergeLists(where, mine, v));
    } else {
      put(out, k, v);
    }
  }
  return out;
}

/** The user-data rules that protect what QHCI generates (merge mode). */
function checkAgainstGenerated(generated: Mapping, theirs: Mapping, what: string, field: string): void {
  for (const key of MANAGED_KEYS) {
    if (has(theirs, key) && !sameValue(theirs[key], generated[key])) {
      throw invalid(
        `${what} sets "${key}", which QHCI manages in merge mode; use the customization fields or raw mode`,
        field,
      );
    }
  }
  const account = (generated.users as Mapping[])[0]!;
  const users = theirs.users;
  if (Array.isArray(users)) {
    for (const u of users) {
      const name = isMapping(u) ? u.name : u;
      if (name === account.name) {
        throw invalid(
          `${what} defines the user "${String(name)}", which QHCI creates; choose another customization user or use raw mode`,
          field,
        );
      }
    }
  }
  const ours = new Set([AGENT_INSTALLER_PATH, AGENT_UNIT_PATH, AGENT_BINARY_PATH]);
  const files = theirs.write_files;
  if (Array.isArray(files)) {
    for (const f of files) {
      if (isMapping(f) && typeof f.path === 'string' && ours.has(f.path)) {
        throw invalid(`${what} writes ${f.path}, which QHCI writes itself`, field);
      }
    }
  }
}

function userDataMapping(text: string, what: string, field: string): Mapping {
  if (text.startsWith('#!')) {
    throw invalid(`${what} is a script; a script user-data can only be used in raw mode`, field);
  }
  const check = checkUserData(text);
  if (!check.ok) throw invalid(check.reason, field);
  return parseMapping(text, what, field);
}

function buildMergedUserData(input: SeedInput, hostname: string): string {
  const generated = generatedConfig(input, hostname);
  let config = generated;
  const docs: [string | undefined, string, string][] = [
    [nonEmpty(input.spec?.userData), "The spec's user data", 'spec.userData'],
    [nonEmpty(input.overrides.userData), 'User data', 'customization.userData'],
  ];
  for (const [text, what, field] of docs) {
    if (text === undefined) continue;
    const theirs = userDataMapping(text, what, field);
    checkAgainstGenerated(generated, theirs, what, field);
    config = mergeMappings(config, theirs, '', what, field);
  }
  return `#cloud-config\n${emit(config)}`;
}

function buildRawUserData(input: SeedInput): string {
  const { overrides, spec } = input;
  const notInRaw: [unknown, string][] = [
    [overrides.user, 'user'],
    [overrides.sshKeys, 'sshKeys'],
    [overrides.passwordHash, 'password'],
    [overrides.timezone, 'timezone'],
  ];
  for (const [value, name] of notInRaw) {
    if (value !== undefined) {
      throw invalid(
        `The ${name} is not applied in raw mode: raw user data is used exactly as given; put it in the user data or use merge mode`,
        `customization.${name}`,
      );
    }
  }
  const agent = pick(overrides.installAgent, spec?.installAgent, false, 'installAgent');
  if (agent.value) {
    throw invalid(
      'The agents cannot be installed in raw mode: raw user data is used exactly as given; use merge mode or turn installAgent off',
      'customization.installAgent',
    );
  }
  const fromOverride = nonEmpty(overrides.userData);
  const text = fromOverride ?? nonEmpty(spec?.userData);
  const field = fromOverride !== undefined ? 'customization.userData' : 'spec.userData';
  if (text === undefined)
    throw invalid('Raw mode needs user data (a #cloud-config or a #! script)', 'customization.userData');
  const check = checkUserData(text);
  if (!check.ok) throw invalid(check.reason, field);
  return text;
}

function buildMetaData(input: SeedInput, hostname: string): string {
  const meta: Mapping = { 'instance-id': input.instanceId, 'local-hostname': hostname };
  const text = nonEmpty(input.spec?.metaData);
  if (text !== undefined) {
    const check = checkMetaData(text);
    if (!check.ok) throw invalid(check.reason, 'spec.metaData');
    const theirs = parseMapping(text, "The spec's meta data", 'spec.metaData');
    for (const key of Object.keys(meta)) {
      if (has(theirs, key) && !sameValue(theirs[key], meta[key])) {
        throw invalid(
          `The spec's meta data sets "${key}", which QHCI generates for each VM`,
          'spec.metaData',
        );
      }
    }
    return emit(mergeMappings(meta, theirs, '', "The spec's meta data", 'spec.metaData'));
  }
  return emit(meta);
}

/** The given network-config re-serialised as YAML 1.1, unwrapped from a top-level `network:`. */
export function normaliseNetworkConfig(text: string, field = 'customization.networkConfig'): string {
  const check = checkNetworkConfig(text);
  if (!check.ok) throw invalid(check.reason, field);
  const root = parseMapping(text, 'Network config', field);
  const inner = isMapping(root.network) ? root.network : root;
  if (inner.version !== 1 && inner.version !== 2) {
    throw invalid('Network config must declare "version: 1" or "version: 2"', field);
  }
  return emit(inner);
}

function buildNetworkConfig(input: SeedInput): string | null {
  const override = nonEmpty(input.overrides.networkConfig);
  if (override !== undefined) return normaliseNetworkConfig(override, 'customization.networkConfig');
  const spec = nonEmpty(input.spec?.networkConfig);
  if (spec !== undefined) return normaliseNetworkConfig(spec, 'spec.networkConfig');
  return null;
}

/** Builds the three NoCloud documents; throws AppError VALIDATION (with the field) on bad input. */
export function buildSeed(input: SeedInput): Seed {
  if (!input.profile.cloudInit || input.profile.sudoGroup === null) {
    throw invalid(`The ${input.profile.label} guest profile does not use cloud-init`, 'profile');
  }
  checkInstanceId(input.instanceId);
  const hostname = renderTheHostname(input);
  const userData =
    input.overrides.userDataMode === 'raw' ? buildRawUserData(input) : buildMergedUserData(input, hostname);
  return {
    hostname,
    userData,
    metaData: buildMetaData(input, hostname),
    networkConfig: buildNetworkConfig(input),
  };
}

/** Version 2 network-config: DHCP (v4, and v6 if asked) on every ethernet NIC named e*. */
export function dhcpNetworkConfig(opts: { dhcp6?: boolean } = {}): string {
  const nic: Mapping = { match: { name: 'e*' }, dhcp4: true };
  if (opts.dhcp6) nic.dhcp6 = true;
  return emit({ version: 2, ethernets: { nics: nic } });
}

export interface StaticNetwork {
  /** Address with prefix length, e.g. `192.0.2.10/24` or `2001:db8::10/64`. */
  address: string;
  gateway?: string;
  dns?: readonly string[];
  /** Interface name pattern; default `e*`. */
  match?: string;
}

const IPV4_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_RE = new RegExp(`^${IPV4_OCTET}(?:\\.${IPV4_OCTET}){3}$`);

/** 4 or 6 for an IP address, else 0 (node:net's isIP is off limits in this pure module). */
export function ipFamily(ip: string): 0 | 4 | 6 {
  if (IPV4_RE.test(ip)) return 4;
  if (!ip.includes(':') || !/^[0-9A-Fa-f:.]{2,45}$/.test(ip)) return 0;
  try {
    // The WHATWG URL parser validates IPv6 literals exactly (and rejects zone ids).
    new URL(`http://[${ip}]/`);
    return 6;
  } catch {
    return 0;
  }
}

function checkCidr(cidr: string, field: string): 4 | 6 {
  const slash = cidr.lastIndexOf('/');
  const ip = slash === -1 ? '' : cidr.slice(0, slash);
  const prefix = slash === -1 ? '' : cidr.slice(slash + 1);
  const family = ipFamily(ip);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || !/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    throw invalid(
      `"${cidr.slice(0, 64)}" is not an address with a prefix length (for example 192.0.2.10/24)`,
      field,
    );
  }
  return family as 4 | 6;
}

/** Version 2 network-config with one static address, an optional default route and DNS servers. */
export function staticNetworkConfig(net: StaticNetwork): string {
  const family = checkCidr(net.address, 'networkConfig.address');
  const nic: Mapping = { match: { name: net.match ?? 'e*' }, addresses: [net.address] };
  if (net.match !== undefined && !/^[A-Za-z0-9*?_.:-]{1,32}$/.test(net.match)) {
    throw invalid(
      'The interface pattern may contain letters, digits, "*", "?", "_", ".", ":" and "-"',
      'networkConfig.match',
    );
  }
  if (net.gateway !== undefined) {
    if (ipFamily(net.gateway) !== family) {
      throw invalid(`The gateway must be an IPv${family} address like the address`, 'networkConfig.gateway');
    }
    nic.routes = [{ to: family === 4 ? '0.0.0.0/0' : '::/0', via: net.gateway }];
  }
  if (net.dns !== undefined && net.dns.length > 0) {
    net.dns.forEach((d) => {
      if (ipFamily(d) === 0) throw invalid(`"${d.slice(0, 64)}" is not an IP address`, 'networkConfig.dns');
    });
    nic.nameservers = { addresses: [...net.dns] };
  }
  return emit({ version: 2, ethernets: { nics: nic } });
}
