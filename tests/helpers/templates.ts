/**
 * For template tests: a linked clone made with the plain tools (a qcow2 overlay on a template's disk, in the
 * testbed's pool, defined on qemu:///system), and the SSH connection under an app's host cut as the network
 * would cut it.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { App } from '../../src/main/app';
import type { SshDriver } from '../../src/main/hosts/drivers/ssh';
import { defineXml, virsh } from './domains';
import { POOL, POOL_DIR } from './provision';

/** A domain whose only disk is a new qcow2 overlay on `base`. */
export function defineOverlayVm(base: string, prefix = 'qhci-t-tmlink'): { name: string; disk: string } {
  const name = `${prefix}-${randomUUID().slice(0, 6)}`;
  const disk = join(POOL_DIR, `${name}-disk0.qcow2`);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', disk]);
  defineXml(`<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/>
  <target dev='vda' bus='virtio'/></disk></devices></domain>`);
  virsh('pool-refresh', POOL);
  return { name, disk };
}

/** How many processes on this machine (the testbed's hosts are its sshds) have a matching command line. */
export const hostProcesses = (pattern: string) =>
  new Promise<number>((resolve) =>
    execFile('pgrep', ['-f', pattern], (_err, out) => resolve(out.split('\n').filter(Boolean).length)),
  );

/** Destroys the TCP socket under the host's ssh2 connection, as a network failure would. */
export async function cutSsh(app: App, hostId: string): Promise<void> {
  const conn = ((await app.hosts.driverFor(hostId)) as SshDriver).conn;
  (conn as unknown as { client: { _sock: { destroy(): void } } }).client._sock.destroy();
}
