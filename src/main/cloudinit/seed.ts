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
import { checkMetaData, checkUserData } from '../../shared/domain/cloud-config';
import type { GuestProfile } from '../../shared/domain/guest-profiles';
import { renderHostname } from '../../shared/domain/hostname-template';
import { GuestUserName } from '../../shared/domain/provision';
import { formatSshKey, parseSshPublicKey } from '../../shared/domain/ssh-keys';
import { isValidTimeZone } from '../../shared/domain/timezone';
import {
  AGENT_INSTALLER_PATH,
  AGENT_INSTALLER_SCRIPT,
  AGENT_UNIT,
  AGENT_UNIT_PATH,
  checkAgent,
  type AgentConfig,
} from './agent';
import { normaliseNetworkConfig } from './network-config';
import { isSha512CryptHash } from './password';
import { checkAgainstGenerated, mergeMappings, sameValue } from './merge';
import { checkText, emit, has, invalid, parseMapping, type Mapping } from './yaml11';

export {
  AGENT_BINARY_PATH,
  AGENT_INSTALLER_PATH,
  AGENT_INSTALLER_SCRIPT,
  AGENT_UNIT,
  AGENT_UNIT_PATH,
  type AgentConfig,
} from './agent';
export {
  dhcpNetworkConfig,
  ipFamily,
  normaliseNetworkConfig,
  staticNetworkConfig,
  type StaticNetwork,
} from './network-config';
export { CLOUD_YAML, CLOUD_YAML_EMIT, parseCloudYaml } from './yaml11';

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
/** Top-level user-data keys whose value QHCI decides in merge mode. */

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
