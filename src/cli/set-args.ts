/**
 * The flags of `qhci vm set` as a settings change list: each flag's text form parsed into the contract's
 * change (the contract then checks every name and size again). Pure; a malformed flag is a VALIDATION error
 * that names it.
 */
import { AppError } from '../shared/domain/errors';
import type { VmSettingsRequest } from '../shared/domain/vm-settings';
import { parseSize } from './args';

export type SettingsChangeInput = VmSettingsRequest['changes'][number];

export interface SetFlags {
  readonly vcpus?: string;
  readonly memory?: string;
  readonly 'add-disk'?: readonly string[];
  readonly 'attach-volume'?: readonly string[];
  readonly 'grow-disk'?: readonly string[];
  readonly 'detach-disk'?: readonly string[];
  readonly 'delete-volume'?: boolean;
  readonly 'add-nic'?: readonly string[];
  readonly 'remove-nic'?: readonly string[];
  readonly nic?: readonly string[];
  readonly 'insert-iso'?: readonly string[];
  readonly eject?: readonly string[];
  readonly boot?: string;
  readonly autostart?: string;
  readonly description?: string;
  readonly label?: readonly string[];
}

const bad = (flag: string, text: string, form: string): never => {
  throw new AppError('VALIDATION', `--${flag}: "${text}" is not ${form}`, flag);
};

function count(text: string, flag: string, form: string): number {
  return /^\d+$/.test(text) ? Number(text) : bad(flag, text, form);
}

/** POOL/VOLUME (the volume may hold more slashes only if the contract allows it: it does not). */
function poolVolume(text: string, flag: string, form: string): { pool: string; volume: string } {
  const slash = text.indexOf('/');
  if (slash <= 0 || slash === text.length - 1) bad(flag, text, form);
  return { pool: text.slice(0, slash), volume: text.slice(slash + 1) };
}

/** `--vcpus N[:MAX]`, `--memory SIZE[:MAX]`. */
function compute(f: SetFlags): SettingsChangeInput[] {
  const out: SettingsChangeInput[] = [];
  if (f.vcpus !== undefined) {
    const [now = '', max, ...more] = f.vcpus.split(':');
    if (more.length) bad('vcpus', f.vcpus, 'N[:MAX]');
    const current = count(now, 'vcpus', 'N[:MAX]');
    out.push({ kind: 'vcpus', current, ...(max ? { maximum: count(max, 'vcpus', 'N[:MAX]') } : {}) });
  }
  if (f.memory !== undefined && f.memory !== '') {
    const [now = '', max, ...more] = f.memory.split(':');
    if (more.length) bad('memory', f.memory, 'SIZE[:MAX]');
    out.push({
      kind: 'memory',
      currentBytes: parseSize(now, '--memory'),
      ...(max ? { maximumBytes: parseSize(max, '--memory') } : {}),
    });
  }
  return out;
}

function disks(f: SetFlags): SettingsChangeInput[] {
  const out: SettingsChangeInput[] = [];
  for (const t of f['add-disk'] ?? []) {
    const [pool = '', size = '', bus, ...more] = t.split(':');
    if (!pool || !size || more.length) bad('add-disk', t, 'POOL:SIZE[:BUS]');
    out.push({
      kind: 'disk-add-new',
      pool,
      sizeBytes: parseSize(size, '--add-disk'),
      ...(bus ? { bus: bus as 'virtio' } : {}),
    });
  }
  for (const t of f['attach-volume'] ?? []) {
    out.push({ kind: 'disk-add-existing', ...poolVolume(t, 'attach-volume', 'POOL/VOLUME') });
  }
  for (const t of f['grow-disk'] ?? []) {
    const [target = '', size = '', ...more] = t.split(':');
    if (!target || !size || more.length) bad('grow-disk', t, 'TARGET:SIZE (vdb:20G)');
    out.push({ kind: 'disk-grow', target, sizeBytes: parseSize(size, '--grow-disk') });
  }
  for (const target of f['detach-disk'] ?? []) {
    out.push({ kind: 'disk-detach', target, deleteVolume: Boolean(f['delete-volume']) });
  }
  if (f['delete-volume'] && !f['detach-disk']?.length) {
    throw new AppError('VALIDATION', '--delete-volume goes with --detach-disk', 'delete-volume');
  }
  return out;
}

/** `--nic MAC:network=N,model=M`. */
function nicUpdate(t: string): SettingsChangeInput {
  const m = /^([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}):(.+)$/.exec(t);
  if (!m) return bad('nic', t, 'MAC:network=NET,model=MODEL');
  const set: Record<string, string> = {};
  for (const part of m[2]!.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq);
    if (eq <= 0 || (key !== 'network' && key !== 'model') || key in set) {
      bad('nic', t, 'MAC:network=NET,model=MODEL');
    }
    set[key] = part.slice(eq + 1);
  }
  return {
    kind: 'nic-update',
    mac: m[1]!,
    ...(set.network !== undefined ? { network: set.network } : {}),
    ...(set.model !== undefined ? { model: set.model as 'virtio' } : {}),
  };
}

function nics(f: SetFlags): SettingsChangeInput[] {
  const out: SettingsChangeInput[] = [];
  for (const t of f['add-nic'] ?? []) {
    const colon = t.lastIndexOf(':');
    out.push(
      colon <= 0
        ? { kind: 'nic-add', network: t }
        : { kind: 'nic-add', network: t.slice(0, colon), model: t.slice(colon + 1) as 'virtio' },
    );
  }
  for (const mac of f['remove-nic'] ?? []) out.push({ kind: 'nic-remove', mac });
  for (const t of f.nic ?? []) out.push(nicUpdate(t));
  return out;
}

function media(f: SetFlags): SettingsChangeInput[] {
  const out: SettingsChangeInput[] = [];
  for (const t of f['insert-iso'] ?? []) {
    const eq = t.indexOf('=');
    const slash = t.indexOf('/');
    const target = eq > 0 && (slash < 0 || eq < slash) ? t.slice(0, eq) : undefined;
    const ref = poolVolume(target ? t.slice(eq + 1) : t, 'insert-iso', '[TARGET=]POOL/VOLUME');
    out.push({ kind: 'cdrom-insert', pool: ref.pool, volume: ref.volume, ...(target ? { target } : {}) });
  }
  for (const target of f.eject ?? []) out.push({ kind: 'cdrom-eject', target });
  if (f.boot !== undefined) {
    out.push({ kind: 'boot-order', order: f.boot.split(',').map((s) => s.trim()) as ['hd'] });
  }
  return out;
}

/** `--label k=v` sets k, `--label k=` removes it; the rest of the VM's labels stay. */
function labels(list: readonly string[], current: Readonly<Record<string, string>>): Record<string, string> {
  const out = { ...current };
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) bad('label', item, 'KEY=VALUE (KEY= removes it)');
    const key = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (value === '') delete out[key];
    else out[key] = value;
  }
  return out;
}

function general(f: SetFlags, currentLabels: Readonly<Record<string, string>>): SettingsChangeInput[] {
  const out: SettingsChangeInput[] = [];
  if (f.autostart !== undefined) {
    if (!/^(on|off)$/.test(f.autostart)) bad('autostart', f.autostart, 'on or off');
    out.push({ kind: 'autostart', enabled: f.autostart === 'on' });
  }
  if (f.description !== undefined) out.push({ kind: 'description', text: f.description });
  if (f.label?.length) out.push({ kind: 'labels', labels: labels(f.label, currentLabels) });
  return out;
}

/** Every change the flags ask for, in a fixed order (compute, disks, NICs, media and boot, the rest). */
export function settingsChanges(
  f: SetFlags,
  currentLabels: Readonly<Record<string, string>>,
): SettingsChangeInput[] {
  return [...compute(f), ...disks(f), ...nics(f), ...media(f), ...general(f, currentLabels)];
}

/** Whether the changes destroy something the user may want back: a deleted volume, a removed NIC. */
export function destructive(changes: readonly SettingsChangeInput[]): string[] {
  return changes.flatMap((c) => {
    if (c.kind === 'disk-detach' && c.deleteVolume) return [`delete the volume of disk ${c.target}`];
    if (c.kind === 'nic-remove') return [`remove NIC ${c.mac}`];
    return [];
  });
}
