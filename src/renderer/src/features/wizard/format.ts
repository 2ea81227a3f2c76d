/** How the wizard writes sizes: exact enough that "at least 64 MiB" never reads as a rounded number. */
const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
const TIB = 1024 ** 4;

const trim = (n: number) => String(Number(n.toFixed(2)));

/** "10 GiB", "1.5 GiB", "64 MiB", "2 TiB". */
export function formatSize(bytes: number): string {
  if (bytes >= TIB) return `${trim(bytes / TIB)} TiB`;
  if (bytes >= GIB) return `${trim(bytes / GIB)} GiB`;
  if (bytes >= MIB) return `${trim(bytes / MIB)} MiB`;
  if (bytes >= 1024) return `${trim(bytes / 1024)} KiB`;
  return `${bytes} B`;
}

/**
 * Free capacity as people read it: a host booked past its capacity (VMs started outside QHCI, a policy
 * tightened later) has none free, and says by how much it is over, never a negative number.
 */
export function formatFree(value: number, unit: 'bytes' | 'count'): string {
  const show = (n: number) => (unit === 'bytes' ? formatSize(n) : String(n));
  return value < 0 ? `none (${show(-value)} over)` : show(value);
}
