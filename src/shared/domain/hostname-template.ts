/**
 * Hostname templates such as `{{.VMName}}-{{.Random}}`.
 * Placeholders: {{.VMName}}, {{.Random}} (lowercase letters and digits), {{.Index}}, {{.Host}}.
 * Every rendered hostname must be an RFC 1123 label.
 */

export const HOSTNAME_PLACEHOLDERS = ['VMName', 'Random', 'Index', 'Host'] as const;
export type HostnamePlaceholder = (typeof HOSTNAME_PLACEHOLDERS)[number];

export const RANDOM_LENGTH = 6;
const RANDOM_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const TOKEN_RE = /\{\{\s*\.([A-Za-z]+)\s*\}\}/g;

export interface HostnameContext {
  readonly vmName: string;
  /** 1-based position of the VM in a bulk creation. */
  readonly index: number;
  readonly host: string;
  /** Source of randomness; defaults to crypto.getRandomValues. */
  readonly random?: () => string;
}

type Piece = { kind: 'text'; text: string } | { kind: 'token'; name: HostnamePlaceholder };

export type TemplateParse = { ok: true; pieces: readonly Piece[] } | { ok: false; reason: string };

export function isValidHostnameLabel(name: string): boolean {
  return LABEL_RE.test(name);
}

export function hostnameLabelProblem(name: string): string | null {
  if (name.length === 0) return 'is empty';
  if (name.length > 63) return `is ${name.length} characters long (at most 63)`;
  if (!/^[A-Za-z0-9-]+$/.test(name)) return 'may contain only letters, digits and hyphens';
  if (name.startsWith('-') || name.endsWith('-')) return 'may not start or end with a hyphen';
  return null;
}

export function randomToken(length = RANDOM_LENGTH): string {
  let out = '';
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    globalThis.crypto.getRandomValues(bytes);
    for (const b of bytes) {
      // 252 = 7 * 36: bytes above it are dropped so every character is equally likely.
      if (b < 252 && out.length < length) out += RANDOM_ALPHABET[b % 36];
    }
  }
  return out;
}

export function parseHostnameTemplate(template: string): TemplateParse {
  if (template.length === 0) return { ok: false, reason: 'The hostname template is empty' };
  if (template.length > 255)
    return { ok: false, reason: 'The hostname template is longer than 255 characters' };
  const pieces: Piece[] = [];
  let last = 0;
  for (const m of template.matchAll(TOKEN_RE)) {
    const at = m.index ?? 0;
    if (at > last) pieces.push({ kind: 'text', text: template.slice(last, at) });
    const name = m[1] ?? '';
    if (!(HOSTNAME_PLACEHOLDERS as readonly string[]).includes(name)) {
      return {
        ok: false,
        reason: `Unknown placeholder {{.${name}}}; use ${HOSTNAME_PLACEHOLDERS.map((p) => `{{.${p}}}`).join(', ')}`,
      };
    }
    pieces.push({ kind: 'token', name: name as HostnamePlaceholder });
    last = at + m[0].length;
  }
  if (last < template.length) pieces.push({ kind: 'text', text: template.slice(last) });
  for (const p of pieces) {
    if (p.kind === 'text' && (p.text.includes('{{') || p.text.includes('}}'))) {
      return { ok: false, reason: 'The hostname template has an unclosed or malformed {{ }} placeholder' };
    }
  }
  return { ok: true, pieces };
}

export type HostnameRender = { ok: true; hostname: string } | { ok: false; reason: string };

export function renderHostname(template: string, ctx: HostnameContext): HostnameRender {
  const parsed = parseHostnameTemplate(template);
  if (!parsed.ok) return parsed;
  const random = ctx.random ?? (() => randomToken());
  let out = '';
  for (const p of parsed.pieces) {
    if (p.kind === 'text') out += p.text;
    else if (p.name === 'VMName') out += ctx.vmName;
    else if (p.name === 'Random') out += random();
    else if (p.name === 'Index') out += String(ctx.index);
    else out += ctx.host;
  }
  const problem = hostnameLabelProblem(out);
  if (problem !== null) {
    return { ok: false, reason: `Hostname "${out.slice(0, 80)}" from template "${template}" ${problem}` };
  }
  return { ok: true, hostname: out };
}

/** Representative values used to check a template when no VM is known yet. */
export const SAMPLE_HOSTNAME_CONTEXT: HostnameContext = {
  vmName: 'vm',
  index: 1,
  host: 'host',
  random: () => 'a1b2c3',
};

export interface HostnamePreview {
  readonly hostnames: readonly string[];
  readonly error: string | null;
}

/** Renders `count` hostnames (for a bulk creation) and reports the first problem, if any. */
export function previewHostnames(
  template: string,
  opts: { vmName: string; count: number; host?: string; random?: () => string },
): HostnamePreview {
  const hostnames: string[] = [];
  const count = Math.max(1, Math.min(opts.count, 1000));
  for (let i = 1; i <= count; i++) {
    const vmName = count > 1 ? `${opts.vmName}-${i}` : opts.vmName;
    const r = renderHostname(template, {
      vmName,
      index: i,
      host: opts.host ?? 'host',
      ...(opts.random ? { random: opts.random } : {}),
    });
    if (!r.ok) return { hostnames, error: r.reason };
    hostnames.push(r.hostname);
  }
  return { hostnames, error: null };
}
