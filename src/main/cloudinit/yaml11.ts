/**
 * YAML as cloud-init reads it: PyYAML's YAML 1.1 rules for reading and writing documents, and the checks
 * that refuse what YAML 1.1 cannot carry unchanged. Pure, like the rest of cloudinit/.
 */
import { Document, parseDocument, type ScalarTag, type Tags } from 'yaml';
import { AppError } from '../../shared/domain/errors';

export type Mapping = Record<string, unknown>;

export function invalid(message: string, field: string): AppError {
  return new AppError('VALIDATION', message, field);
}

/** Characters YAML 1.1 (PyYAML) cannot carry unchanged, or that change meaning as line breaks. */
export const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function describeChar(s: string): string {
  const m = UNSAFE_CHARS.exec(s);
  const code = m?.[0].codePointAt(0) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function checkText(value: string, what: string, field: string): void {
  if (UNSAFE_CHARS.test(value)) {
    throw invalid(
      `${what} contains the character ${describeChar(value)}, which cloud-init cannot read`,
      field,
    );
  }
}

export function isMapping(v: unknown): v is Mapping {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) && !Buffer.isBuffer(v)
  );
}

/** Sets a key on a plain object, `__proto__` included, without touching prototypes. */
export function put(target: Mapping, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function has(obj: Mapping, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/*
 * cloud-init reads YAML with PyYAML, whose YAML 1.1 implicit types differ from the `yaml` library's: `y`
 * and `n` are strings, `1e3` is a string, `=` is an error. These tags are PyYAML's resolvers, so a plain
 * scalar parses to what cloud-init would see, and the emitter quotes every string PyYAML would not read as
 * a string (the emitter quotes a plain string that any default tag's `test` matches).
 */
export const PY_BOOL_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
export const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
export const PY_INT =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
export const PY_FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

export function sexagesimal(text: string): number {
  return text.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}

export function resolvePyInt(source: string): number {
  const sign = source.startsWith('-') ? -1 : 1;
  const s = source.replace(/^[-+]/, '').replace(/_/g, '');
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.includes(':')) return sign * sexagesimal(s);
  if (s.length > 1 && s.startsWith('0')) return sign * parseInt(s, 8);
  return sign * Number(s);
}

export function resolvePyFloat(source: string): number {
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
export function stringifyPyFloat(value: number): string {
  if (Number.isNaN(value)) return '.nan';
  if (!Number.isFinite(value)) return value > 0 ? '.inf' : '-.inf';
  const s = String(value);
  if (/^-?\d+$/.test(s)) return `${s}.0`;
  return /^-?\d+e/.test(s) ? s.replace('e', '.0e') : s;
}

export const PYYAML_TAGS: ScalarTag[] = [
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
export const REPLACED_TAGS = new Set(PYYAML_TAGS.map((t) => t.tag));

/**
 * For emitting: the `yaml` library's merge tag would write a `<<` string plain (PyYAML then reads a merge),
 * so it is left out and a guard makes the emitter quote `<<` instead.
 */
export const MERGE_GUARD: ScalarTag = {
  tag: 'tag:qhci:merge-guard',
  default: true,
  identify: () => false,
  test: /^<<$/,
  resolve: (s) => s,
};

export function pyyamlTags(tags: Tags): Tags {
  return [...PYYAML_TAGS, ...tags.filter((t) => typeof t === 'string' || !REPLACED_TAGS.has(t.tag))];
}

export function pyyamlEmitTags(tags: Tags): Tags {
  return [
    ...pyyamlTags(tags).filter((t) => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:merge'),
    MERGE_GUARD,
  ];
}

/** The `yaml` options that read documents as cloud-init's PyYAML does (`<<` merge keys included). */
export const CLOUD_YAML = { version: '1.1', customTags: pyyamlTags } as const;
/** The `yaml` options that write documents PyYAML reads back exactly. */
export const CLOUD_YAML_EMIT = { version: '1.1', customTags: pyyamlEmitTags, merge: false } as const;

export function emit(value: Mapping): string {
  return new Document(value, CLOUD_YAML_EMIT).toString({ lineWidth: 0 });
}

/** Parses a cloud-init document as PyYAML would (for tests and callers that read seeds back). */
export function parseCloudYaml(text: string): unknown {
  return parseDocument(text, CLOUD_YAML).toJS({ maxAliasCount: 100 });
}

/** Parses a YAML mapping as cloud-init will (YAML 1.1); aliases are expanded, at most 100 of them. */
export function parseMapping(text: string, what: string, field: string): Mapping {
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
export function walkStrings(value: unknown, what: string, field: string): void {
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
