/**
 * The two libvirt connections a migration runs between, as this workstation's virsh sees them. Each is a
 * unix socket served by this process: for an SSH host a forwarded channel to the host's libvirt socket (the
 * host key already trusted, no credentials between the hosts), for the local hypervisor a plain connection
 * to its socket. Because the connections pass through this process, a console that dies mid-migration drops
 * them, and libvirt then abandons the migration: the VM keeps running where it was.
 * A remote libvirt URI (qemu+ssh://, qemu+tls://) is used as it is.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { AppError } from '../../shared/domain/errors';
import type { HostSummary } from '../../shared/domain/host';
import type { HostDriver } from './driver';

export interface LibvirtEndpoint {
  /** The URI this workstation's virsh uses. */
  readonly uri: string;
  /** Where the other host's QEMU reaches this one's (the migration stream, the disks' NBD server). */
  readonly address: string;
  close(): void;
}

/** The libvirt socket behind a qemu:///system URI (its ?socket= when it names one). */
export function libvirtSocketOf(uri: string): string | null {
  const m = /^qemu:\/\/\/system(?:\?(.*))?$/.exec(uri);
  if (!m) return null;
  const socket = new URLSearchParams(m[1] ?? '').get('socket');
  if (socket !== null) return socket.startsWith('/') ? socket : null;
  return '/var/run/libvirt/libvirt-sock';
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;

/** The host part of a remote libvirt URI (qemu+ssh://user@host:port/system → host). */
function uriHost(uri: string): string | null {
  const m = /^[a-z0-9+]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?]+)/i.exec(uri);
  return m ? m[1]!.replace(/^\[|\]$/g, '') : null;
}

function serve(open: () => Promise<Duplex>): Promise<{ server: Server; path: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'qhci-migrate-'));
  const path = join(dir, 'libvirt.sock');
  const conns = new Set<Socket>();
  const server = createServer((local) => {
    conns.add(local);
    local.on('close', () => conns.delete(local));
    open().then(
      (remote) => {
        local.pipe(remote).pipe(local);
        const end = () => {
          local.destroy();
          remote.destroy();
        };
        local.on('error', end).on('close', end);
        remote.on('error', end).on('close', end);
      },
      () => local.destroy(),
    );
  });
  server.on('close', () => {
    for (const c of conns) c.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve({ server, path, dir }));
  });
}

/**
 * Opens the endpoint of a host for a migration. `peer` is the other host: a host on this workstation is
 * reachable from it only when the peer is on this workstation too.
 */
export async function openEndpoint(
  host: HostSummary,
  driver: HostDriver,
  peer: HostSummary,
): Promise<LibvirtEndpoint> {
  const socket = libvirtSocketOf(host.uri);
  if (host.kind === 'libvirt' && socket === null) {
    const address = uriHost(host.uri);
    if (!address)
      throw new AppError('UNSUPPORTED', `Cannot migrate with host ${host.name}'s URI ${host.uri}`);
    return { uri: host.uri, address, close: () => undefined };
  }
  if (socket === null) {
    throw new AppError('UNSUPPORTED', `Migration needs qemu:///system on ${host.name}, not ${host.uri}`);
  }
  let address: string;
  if (host.kind === 'ssh') address = host.address!;
  else if (peer.kind === 'libvirt' || LOOPBACK.test(peer.address ?? '')) address = '127.0.0.1';
  else {
    throw new AppError(
      'UNSUPPORTED',
      `${peer.name} cannot reach this workstation's own libvirt (${host.name}); add this machine as an SSH host`,
    );
  }
  const open =
    host.kind === 'ssh'
      ? () => driver.openSocket({ path: socket })
      : () =>
          new Promise<Duplex>((resolve, reject) => {
            const s = createConnection(socket, () => resolve(s));
            s.once('error', reject);
          });
  const { server, path, dir } = await serve(open);
  return {
    uri: `qemu+unix:///system?socket=${path}`,
    address,
    close: () => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
