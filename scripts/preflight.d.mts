// Types of scripts/preflight.mjs, for its tests (tests/integration/preflight.test.ts).

/** What gatherFacts() reads from the machine. */
export interface PreflightFacts {
  /** $CI is set: the host tests must run. */
  readonly ci: boolean;
  /** Running as root (the commands then need no sudo). */
  readonly root: boolean;
  /** QHCI_NO_TESTBED=1: run without the testbed on purpose (ignored in CI). */
  readonly noTestbed: boolean;
  /** The packages of .ci/run that dpkg does not have installed; null where there is no dpkg-query. */
  readonly missingPackages: readonly string[] | null;
  readonly chromium: boolean;
  readonly chromiumPath: string;
  /** better-sqlite3, ssh2, @unraid/libvirt: null, or the first line of why it does not load. */
  readonly modules: readonly { readonly name: string; readonly error: string | null }[];
  readonly testbed: {
    readonly dir: string;
    /** testbed.json is there. */
    readonly described: boolean;
    /** What `scripts/testbed.sh status` reports down (libvirtd, kvm-a, …). */
    readonly down: readonly string[];
  };
}

export function ciPackages(ciRun: string): string[];
export function isAbiMismatch(error: string): boolean;
export function diagnose(facts: PreflightFacts): { ok: boolean; message: string };
export function gatherFacts(env?: NodeJS.ProcessEnv): Promise<PreflightFacts>;
