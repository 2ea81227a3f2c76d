/** How sizes, times and connections are written on the Hosts screens. */
import type { HostSummary, NodeFacts } from '../../../../shared/domain/host';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

/** Bytes as GiB with one decimal (MiB below 1 GiB), e.g. "5.7 GiB". */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${(bytes / GIB).toFixed(1)} GiB`;
  if (bytes >= MIB) return `${Math.round(bytes / MIB)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

/** "2 CPUs (1 socket × 2 cores × 1 thread)". */
export function formatTopology(f: NodeFacts): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(f.cpus, 'CPU')} (${plural(f.sockets, 'socket')} × ${plural(f.cores, 'core')} × ${plural(f.threads, 'thread')})`;
}

/** Where the host is reached: user@address:port for SSH, the URI for libvirt. */
export function formatConnection(h: HostSummary): string {
  if (h.kind === 'ssh') return `${h.user ?? '?'}@${h.address ?? '?'}:${h.port ?? 22}`;
  return h.uri;
}

export function formatTime(iso: string | null): string {
  return iso === null ? 'never' : new Date(iso).toLocaleString();
}

export const KIND_LABEL = { libvirt: 'libvirt URI', ssh: 'SSH' } as const;

export const ACCEL_LABEL = { kvm: 'KVM (hardware)', qemu: 'QEMU (emulated, TCG)' } as const;
