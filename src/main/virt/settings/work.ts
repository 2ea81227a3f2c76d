/** What every change planner shares: the work in progress, a change's outcome, refusals and sizes. */
import type { NewVolume, PlannedChange, SettingsContext } from './types';

export class Refused extends Error {}
export const refuse = (message: string): never => {
  throw new Refused(message);
};

export interface Work {
  doc: string;
  readonly ctx: SettingsContext;
  readonly live: string | null;
  readonly running: boolean;
  readonly name: string;
  macs: number;
  /** Free PCIe slots of the running VM (null: not a PCIe machine, or not running). */
  pcieFree: number | null;
  readonly createVolumes: NewVolume[];
  readonly resizeVolumes: { pool: string; name: string; path: string; sizeBytes: number }[];
  readonly deleteVolumes: { pool: string; name: string; path: string }[];
  autostart: boolean | null;
  labels: Readonly<Record<string, string>> | null;
}

export type Outcome = Omit<PlannedChange, 'index' | 'kind'>;

// ---- sizes, for the summaries ----

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  for (; v >= 1024 && u < units.length - 1; u++) v /= 1024;
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}
