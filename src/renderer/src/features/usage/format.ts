/** How usage figures are written beside the charts and in the list. */
import { formatBytes } from '../hosts/format';

export const formatPercent = (v: number): string => `${v < 10 ? v.toFixed(1) : v.toFixed(0)} %`;

/** Bytes, with a decimal below 10 B (an axis of small figures has ticks at 0.5). */
export const formatBytesAxis = (v: number): string =>
  v > 0 && v < 10 ? `${v.toFixed(1)} B` : formatBytes(Math.max(0, Math.round(v)));

export const formatRate = (v: number): string => `${formatBytesAxis(v)}/s`;

/** A figure that may be unknown. */
export function orDash(v: number | null | undefined, format: (v: number) => string): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : format(v);
}
