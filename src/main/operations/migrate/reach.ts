/**
 * Whether the source host reaches the destination (live migration streams from QEMU to QEMU). Two hosts on
 * this workstation's loopback reach each other; otherwise the source opens a TCP connection to the
 * destination's SSH port (bash's /dev/tcp, bounded by timeout): null when the source cannot tell.
 */
import type { HostSummary } from '../../../shared/domain/host';
import type { HostOps } from '../host-ops';

const LOOPBACK = /^(127\.|::1$|localhost$)/;
const local = (h: HostSummary) =>
  (h.kind === 'libvirt' && /^qemu:\/\/\/system/.test(h.uri)) || LOOPBACK.test(h.address ?? '');

export async function reachable(
  src: { ops: HostOps; host: HostSummary },
  dest: HostSummary,
): Promise<boolean | null> {
  if (local(dest)) return local(src.host);
  if (dest.kind !== 'ssh' || !dest.address) return null;
  const r = await src.ops.driver
    .exec(['timeout', '5', 'bash', '-c', 'exec 3<>"/dev/tcp/$0/$1"', dest.address, String(dest.port ?? 22)])
    .catch(() => null);
  if (!r) return null;
  if (r.code === 0) return true;
  return r.code === 127 || /not found/.test(r.stderr) ? null : false;
}
