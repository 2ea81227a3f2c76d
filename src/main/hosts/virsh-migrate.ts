/**
 * A live migration run by this workstation's virsh between the two endpoints (both connections pass
 * through this process: see endpoint.ts). The memory and each disk's top layer stream from QEMU to QEMU;
 * the destination's overlays were made beforehand over the same bases, so only the top layer travels
 * (--copy-storage-inc). libvirt defines the VM on the destination and undefines it on the source only once
 * the destination runs it; on any failure the VM goes on running on the source.
 */
import { spawn } from 'node:child_process';
import { AppError } from '../../shared/domain/errors';
import { virshErrorText } from './virsh';
import type { LibvirtEndpoint } from './migration-endpoint';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function migrateArgs(src: LibvirtEndpoint, dest: LibvirtEndpoint, uuid: string): string[] {
  if (!UUID.test(uuid)) throw new AppError('VALIDATION', `Not a domain UUID: ${uuid}`);
  const host = dest.address.includes(':') ? `[${dest.address}]` : dest.address;
  return [
    '-c',
    src.uri,
    'migrate',
    '--live',
    '--persistent',
    '--undefinesource',
    '--copy-storage-inc',
    '--verbose',
    '--domain',
    uuid,
    '--desturi',
    dest.uri,
    '--migrateuri',
    `tcp://${host}`,
  ];
}

/** The last "Migration: [ 45 %]" in virsh's --verbose output, as a fraction. */
export function lastPercent(text: string): number | null {
  const all = [...text.matchAll(/Migration: \[\s*(\d+)\s*%\]/g)];
  const last = all.at(-1);
  return last ? Math.min(1, Number(last[1]) / 100) : null;
}

export function migrateLive(
  src: LibvirtEndpoint,
  dest: LibvirtEndpoint,
  uuid: string,
  onProgress: (fraction: number) => void,
  timeoutMs = 6 * 60 * 60_000,
): Promise<void> {
  const args = migrateArgs(src, dest, uuid);
  return new Promise((resolve, reject) => {
    // Its own session, like every local virsh (no polkit text agent on a terminal).
    const child = spawn('virsh', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
      detached: true,
    });
    let err = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    const read = (d: Buffer) => {
      const text = d.toString('utf8');
      err = (err + text).slice(-64 * 1024);
      const p = lastPercent(text);
      if (p !== null) onProgress(p);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new AppError(
          'HOST_ERROR',
          e.code === 'ENOENT'
            ? 'virsh is not installed on this workstation'
            : `Cannot run virsh: ${e.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      const why = virshErrorText(err.replace(/Migration: \[\s*\d+\s*%\]/g, '')).trim();
      reject(
        new AppError(
          'HOST_ERROR',
          `Migration failed${signal ? ` (${signal})` : ''}: ${why || `virsh exited with ${code}`}`,
        ),
      );
    });
  });
}
