// Types of scripts/electronegativity.mjs, for its test (tests/integration/electronegativity.test.ts).

/** A finding as Electronegativity's run() returns it (the fields this script reads). */
export interface Finding {
  readonly id: string;
  readonly file: string;
  readonly location: { readonly line: number; readonly column: number };
  readonly description: string;
  readonly severity: { readonly name: string };
  readonly confidence: { readonly name: string };
}

/** electronegativity.json */
export interface ScanConfig {
  readonly input: string;
  readonly excludeChecks: Readonly<Record<string, string>>;
  readonly failOn: readonly string[];
  readonly explained: readonly { readonly check: string; readonly file: string; readonly reason: string }[];
}

export function judge(
  issues: readonly Finding[],
  config: ScanConfig,
): {
  failing: Finding[];
  explained: (Finding & { reason: string })[];
  other: Finding[];
  stale: ScanConfig['explained'][number][];
};

/** Electronegativity's run() over `input` (relative to the repository, or absolute) for that Electron version. */
export function scan(
  input: string,
  electronVersion: string,
  exclude: readonly string[],
): Promise<{
  globalChecks: number;
  atomicChecks: number;
  issues: Finding[];
  errors: { file: string; message: string; tolerable: boolean }[];
}>;
