/**
 * Live usage as it crosses IPC: what a window or `qhci top` asks to watch, and the samples main pushes.
 * Main polls a host only while some watch names it (DESIGN: nothing polls what nothing shows).
 */
import { z } from 'zod';
import { Id } from './names';

/** Poll intervals offered, seconds. */
export const USAGE_INTERVALS = [2, 5, 10] as const;
export const MAX_WATCHED_HOSTS = 1000;

/**
 * Asks main to poll these hosts (all connected hosts when omitted) for `leaseSeconds`; renewing it with the
 * same watchId keeps it alive. A watch that is not renewed lapses, so a window that died stops the polling.
 */
export const UsageWatchInput = z.strictObject({
  watchId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'A watch id is 8 to 64 letters, digits, "_" or "-"')
    .optional(),
  hostIds: z.array(Id).max(MAX_WATCHED_HOSTS).optional(),
  intervalSeconds: z
    .union([z.literal(2), z.literal(5), z.literal(10)], { message: 'Interval must be 2, 5 or 10 seconds' })
    .default(2),
  leaseSeconds: z
    .number()
    .int()
    .min(5, 'A lease is at least 5 s')
    .max(300, 'A lease is at most 300 s')
    .default(30),
});
export type UsageWatchInput = z.output<typeof UsageWatchInput>;

export const UsageUnwatchInput = z.strictObject({
  watchId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'A watch id is 8 to 64 letters, digits, "_" or "-"'),
});

export const HOST_USAGE_METRICS = ['cpu', 'memUsed'] as const;
export type HostUsageMetric = (typeof HOST_USAGE_METRICS)[number];
export const VM_USAGE_METRICS = ['cpu', 'memory', 'diskRead', 'diskWrite', 'netRx', 'netTx'] as const;
export type VmUsageMetric = (typeof VM_USAGE_METRICS)[number];

/** The history of a host's or a VM's metrics: the last hour, downsampled, oldest first. */
export const UsageHistoryInput = z.union([z.strictObject({ hostId: Id }), z.strictObject({ vmId: Id })]);

/** One series: times (ms since the epoch) and values, the same length. null: unknown at that time. */
export interface UsageSeries {
  readonly t: readonly number[];
  readonly v: readonly (number | null)[];
}

export interface UsageHistory {
  /** Units: cpu in percent of the host (host) or of one vCPU × vCPUs (VM); bytes; bytes per second. */
  readonly metrics: Readonly<Record<string, UsageSeries>>;
  /** Per storage pool of a host: used bytes over time. */
  readonly pools?: Readonly<Record<string, UsageSeries>>;
}

/** A VM's usage now, as one poll saw it. */
export interface VmUsageNow {
  readonly vmId: string;
  readonly cpuPercent: number | null;
  readonly memoryBytes: number | null;
  readonly diskReadBps: number | null;
  readonly diskWriteBps: number | null;
  readonly netRxBps: number | null;
  readonly netTxBps: number | null;
}

/** What main pushes after each poll of a watched host (event `usage.sample`). */
export interface UsageSample {
  readonly hostId: string;
  /** When the poll ended, ms since the epoch. */
  readonly at: number;
  /** Why this poll failed (the host is kept, the next poll tries again); absent when it worked. */
  readonly error?: string;
  readonly host?: {
    readonly cpuPercent: number | null;
    readonly memUsedBytes: number | null;
    readonly memTotalBytes: number | null;
    /** Used bytes of each active storage pool, when this poll read them (libvirt's own figure). */
    readonly pools?: Readonly<Record<string, number>>;
  };
  readonly vms: readonly VmUsageNow[];
}
