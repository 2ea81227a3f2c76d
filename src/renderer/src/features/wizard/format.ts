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
