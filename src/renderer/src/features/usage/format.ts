/** How usage figures are written beside the charts and in the list. */
import { formatBytes } from '../hosts/format';

export const formatPercent = (v: number): string => `${v < 10 ? v.toFixed(1) : v.toFixed(0)} %`;

export const formatRate = (v: number): string => `${formatBytes(Math.max(0, Math.round(v)))}/s`;

export const formatBytesAxis = (v: number): string => formatBytes(Math.max(0, Math.round(v)));

/** A figure that may be unknown. */
export function orDash(v: number | null | undefined, format: (v: number) => string): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : format(v);
}
