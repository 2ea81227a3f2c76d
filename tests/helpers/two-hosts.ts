/**
 * What the migration and maintenance tests share about the testbed's two real hosts: virsh on kvm-a (this
 * machine's libvirtd), a domain's state on either host, and removing their domains and files from both.
 */
import { execFileSync } from 'node:child_process';
import { POOL } from './provision';
import { pathOnB, virshB, type SecondHost } from './second-host';

/** virsh against kvm-a (qemu:///system); stderr kept out of the test's output. */
export const virshA = (...args: string[]): string =>
  execFileSync('virsh', ['-c', 'qemu:///system', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** Runs a clean-up step that may find nothing to clean. */
export function quiet(f: () => unknown): void {
  try {
    f();
  } catch {
    // not there
  }
}

/** `virsh domstate` through `run`, or null when the host has no such domain. */
export function stateOn(run: (...a: string[]) => string, name: string): string | null {
  try {
    return run('domstate', name).trim();
  } catch {
    return null;
  }
}

/** Destroys and undefines the domains on both hosts, and removes the files (kvm-a paths) from both. */
export function removeFromBoth(b: SecondHost, names: readonly string[], files: readonly string[]): void {
  for (const run of [virshA, (...a: string[]) => virshB(b, ...a)]) {
    for (const name of names) {
      quiet(() => run('destroy', name));
      quiet(() => run('undefine', name));
    }
  }
  for (const f of files) quiet(() => execFileSync('rm', ['-f', '--', f, pathOnB(b, f)]));
  quiet(() => virshA('pool-refresh', POOL));
  quiet(() => virshB(b, 'pool-refresh', POOL));
}
