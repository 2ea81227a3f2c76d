/** The hosts started by scripts/testbed.sh, as described in its testbed.json. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestbedHost {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly user: string;
  readonly uri: string;
  readonly hostKeyFingerprint: string;
}

export interface Testbed {
  readonly stateDir: string;
  readonly clientKey: string;
  /** Which accelerator boots a real kernel here (scripts/testbed.sh accel); absent or unknown: not probed. */
  readonly accel?: 'kvm' | 'tcg' | 'unknown';
  readonly accelNote?: string;
  readonly hosts: readonly TestbedHost[];
}

const STATE = process.env.QHCI_TESTBED_DIR ?? '/tmp/qhci-testbed';

function load(): Testbed | null {
  const file = join(STATE, 'testbed.json');
  if (!existsSync(file)) {
    // In CI the testbed must be there: a missing one is a failure, not a reason to skip.
    if (process.env.CI)
      throw new Error(`The testbed is not up (${file} is missing); run scripts/testbed.sh up`);
    return null;
  }
  return JSON.parse(readFileSync(file, 'utf8')) as Testbed;
}

export const testbed = load();
export const NO_TESTBED = testbed === null ? 'the testbed is not up (scripts/testbed.sh up)' : '';

export function host(name: string): TestbedHost {
  const h = testbed?.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`No testbed host ${name}`);
  return h;
}

export function clientKey(): string {
  return readFileSync(testbed!.clientKey, 'utf8');
}
