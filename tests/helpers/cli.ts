/** bin/qhci as a user runs it, on a given data directory, with no input on stdin. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './app';

export function runQhci(dataDir: string, args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(join(REPO_ROOT, 'bin/qhci'), ['--data-dir', dataDir, ...args], {
    encoding: 'utf8',
    input: '',
    timeout: 120_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
