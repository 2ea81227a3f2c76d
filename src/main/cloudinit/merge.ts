/**
 * Merging user-data in merge mode: the user's `#cloud-config` deep-merged into what QHCI generates (mappings
 * merge, lists concatenate with `packages` de-duplicated, the later scalar wins, null adds nothing), and the
 * rules that refuse a change to what QHCI manages. Pure.
 */
import { AGENT_BINARY_PATH, AGENT_INSTALLER_PATH, AGENT_UNIT_PATH } from './agent';
import { has, invalid, isMapping, put, type Mapping } from './yaml11';

/** The keys QHCI sets itself in merge mode; user-data may repeat them only with the same value. */
const MANAGED_KEYS = ['hostname', 'preserve_hostname', 'ssh_pwauth'] as const;

/** Whether two YAML values are the same. */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function mergeLists(key: string, ours: unknown[], theirs: unknown[]): unknown[] {
  if (key !== 'packages') return [...ours, ...theirs];
  const out = [...ours];
  for (const p of theirs) if (!out.some((q) => sameValue(p, q))) out.push(p);
  return out;
}

/** Deep merge of `theirs` into a copy of `ours`: see the module comment for the rule. */
export function mergeMappings(
  ours: Mapping,
  theirs: Mapping,
  path: string,
  what: string,
  field: string,
): Mapping {
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
export function checkAgainstGenerated(
  generated: Mapping,
  theirs: Mapping,
  what: string,
  field: string,
): void {
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
