/** Helpers for creation tests on the testbed: images in the testbed pool, waiting for tasks, host checks. */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateVmRequestInput, Task } from '../../src/shared/domain/provision';
import type { QhciClient } from '../../src/shared/ipc/transport';
import { virsh } from './domains';
import { host, testbed } from './testbed';

export const POOL = 'qhci-testbed';
export const POOL_DIR = '/var/lib/libvirt/images/qhci-testbed';
export const MiB = 1024 ** 2;

/** A small VM booting the given cloud image with cloud-init (the testbed pool and network), plus `extra`. */
export function cloudRequest(
  name: string,
  imageId: string,
  extra: Partial<CreateVmRequestInput> = {},
): CreateVmRequestInput {
  return {
    name,
    compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB },
    disks: [{ kind: 'new', sizeBytes: 128 * MiB, pool: POOL }],
    nics: [{ network: 'default' }],
    boot: { kind: 'cloud-image', imageId },
    profile: 'debian',
    customization: { hostname: '{{.VMName}}' },
    ...extra,
  };
}

export const uniq = (prefix: string) => `${prefix}-${randomUUID().slice(0, 6)}`;

/** A small qcow2 "cloud image" in the testbed pool (the name makes the inventory classify it as one). */
export function makeCloudImage(
  name = `${uniq('qt')}-cloud.qcow2`,
  size = '64M',
): { name: string; path: string } {
  const path = join(POOL_DIR, name);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, size]);
  virsh('pool-refresh', POOL);
  return { name, path };
}

/** A tiny ISO in the testbed pool. */
export function makeIso(name = `${uniq('qt')}-install.iso`): { name: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'qhci-iso-'));
  try {
    writeFileSync(join(dir, 'README'), 'installer\n');
    const path = join(POOL_DIR, name);
    execFileSync('genisoimage', ['-quiet', '-V', 'INSTALL', '-o', path, dir]);
    virsh('pool-refresh', POOL);
    return { name, path };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function removeVolume(name: string): void {
  try {
    virsh('vol-delete', '--pool', POOL, name);
  } catch {
    /* gone */
  }
}

/** Names of the volumes in the testbed pool. */
export function poolVolumes(): string[] {
  virsh('pool-refresh', POOL);
  return virsh('vol-list', POOL)
    .split('\n')
    .slice(2)
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n !== '');
}

/** Names of every domain on qemu:///system. */
export function domainNames(): string[] {
  return virsh('list', '--all', '--name')
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => n !== '');
}

export async function waitTask(client: QhciClient, id: string, timeoutMs = 120_000): Promise<Task> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await client.call('tasks.get', { id });
    if (t.state !== 'running' && t.state !== 'queued') return t;
    if (Date.now() > deadline) throw new Error(`Task ${id} still ${t.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export function sshConnection(name: string) {
  const h = host(name);
  return {
    kind: 'ssh' as const,
    address: h.address,
    port: h.port,
    user: h.user,
    auth: { method: 'key' as const, keyFile: testbed!.clientKey },
    uri: h.uri,
  };
}

/** The arguments of `qhci host add NAME` for a testbed SSH host, its key and its host key accepted. */
export function sshHostAddArgs(name: string): string[] {
  const h = host(name);
  return [
    'host',
    'add',
    name,
    '--ssh',
    `${h.user}@${h.address}:${h.port}`,
    '--key',
    testbed!.clientKey,
    '--remote-uri',
    h.uri,
    '--accept',
    h.hostKeyFingerprint,
  ];
}

/** Adds the testbed's real libvirt as a libvirt-URI host named "local" and returns its id. */
export async function addLocalHost(client: QhciClient): Promise<string> {
  const h = await client.call('hosts.add', {
    name: 'local',
    connection: { kind: 'libvirt', uri: 'qemu:///system' },
  });
  return h.id;
}

/** Adds a testbed host over SSH (trusting its recorded key) and returns its id. */
export async function addSshHost(client: QhciClient, name: string, as = name): Promise<string> {
  const h = await client.call('hosts.add', {
    name: as,
    connection: sshConnection(name),
    acceptFingerprint: host(name).hostKeyFingerprint,
  });
  return h.id;
}

/** The disk elements of a domain, from `virsh dumpxml`. */
export function dumpxml(name: string): string {
  return virsh('dumpxml', name);
}
