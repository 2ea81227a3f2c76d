/**
 * Checks for the raw cloud-init documents a customization spec may carry.
 * They use the `yaml` library, so the wizard and main report the same problems.
 */
import { parseDocument } from 'yaml';

type Check = { ok: true } | { ok: false; reason: string };

function parseYamlMapping(
  text: string,
  what: string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = first.linePos?.[0]?.line;
    return {
      ok: false,
      reason: `${what} is not valid YAML${line ? ` (line ${line})` : ''}: ${first.message.split('\n')[0]}`,
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { ok: false, reason: `${what} could not be read: ${(err as Error).message}` };
  }
  if (value !== null && (typeof value !== 'object' || Array.isArray(value))) {
    return { ok: false, reason: `${what} must be a YAML mapping (key: value pairs)` };
  }
  return { ok: true, value };
}

/** user-data: empty, a `#cloud-config` YAML mapping, or a script starting with `#!`. */
export function checkUserData(text: string): Check {
  if (text.trim() === '') return { ok: true };
  if (text.startsWith('#!')) return { ok: true };
  if (!/^#cloud-config[ \t]*(\r?\n|$)/.test(text)) {
    return { ok: false, reason: 'User data must begin with "#cloud-config" (YAML) or "#!" (a script)' };
  }
  const r = parseYamlMapping(text, 'User data');
  return r.ok ? { ok: true } : r;
}

/** meta-data: empty or a YAML mapping. */
export function checkMetaData(text: string): Check {
  if (text.trim() === '') return { ok: true };
  const r = parseYamlMapping(text, 'Meta data');
  return r.ok ? { ok: true } : r;
}

/** network-config: empty or YAML declaring `version: 1` or `version: 2` (optionally under `network:`). */
export function checkNetworkConfig(text: string): Check {
  if (text.trim() === '') return { ok: true };
  const r = parseYamlMapping(text, 'Network config');
  if (!r.ok) return r;
  const root = (r.value ?? {}) as Record<string, unknown>;
  const inner =
    typeof root.network === 'object' && root.network !== null && !Array.isArray(root.network)
      ? (root.network as Record<string, unknown>)
      : root;
  const version = inner.version;
  if (version !== 1 && version !== 2) {
    return { ok: false, reason: 'Network config must declare "version: 1" or "version: 2"' };
  }
  return { ok: true };
}
