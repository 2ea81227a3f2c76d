/** `virsh pool-list --details` → each active pool's capacity and allocation in bytes. */
import type { PoolCounters } from './counters';

/** virsh's units (vshPrettyCapacity): "B" (older virsh: "bytes"), then binary multiples. */
const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  bytes: 1,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
  EiB: 2 ** 60,
};

/**
 * A pool line: name (may hold spaces), state, autostart, persistent, then capacity, allocation and available,
 * each a number and a unit. Read from the right, so that the name is whatever comes before.
 */
const LINE = /^\s*(.+?)\s+\S+\s+\S+\s+\S+\s+([\d.]+)\s+(\S+)\s+([\d.]+)\s+(\S+)\s+[\d.]+\s+\S+\s*$/;

function bytes(value: string, unit: string): number | undefined {
  const m = UNITS[unit];
  const n = Number(value);
  return m === undefined || !Number.isFinite(n) ? undefined : Math.round(n * m);
}

/**
 * Reads the table below the dashed line. A pool whose sizes libvirt does not know ("-": an inactive pool,
 * listed only with --all) or in a unit not known here is left out.
 */
export function parsePools(text: string): PoolCounters[] {
  const lines = text.split('\n');
  const rule = lines.findIndex((l) => /^-{10,}\s*$/.test(l.trim()));
  const out: PoolCounters[] = [];
  for (const line of lines.slice(rule + 1)) {
    const m = LINE.exec(line);
    if (!m) continue;
    const capacityBytes = bytes(m[2]!, m[3]!);
    const allocationBytes = bytes(m[4]!, m[5]!);
    if (capacityBytes === undefined || allocationBytes === undefined) continue;
    out.push({ name: m[1]!, capacityBytes, allocationBytes });
  }
  return out;
}
