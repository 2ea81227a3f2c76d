import { PLACEMENT_MESSAGES } from '../../shared/domain/placement';
import { formatBytes, formatNumber } from './format';

/**
 * The CPU and memory reasons, in two halves: the request's half ("Insufficient resources: memory (needs
 * 4 GiB, ") is built once per placement, the host's half ("3.5 GiB of 14 GiB free)") once per prepared
 * snapshot, so a refused host costs one concatenation.
 */
export const cpuHead = (vcpus: number) => `${PLACEMENT_MESSAGES.insufficient}: vCPUs (needs ${vcpus}, `;
export const memoryHead = (bytes: number) =>
  `${PLACEMENT_MESSAGES.insufficient}: memory (needs ${formatBytes(bytes)}, `;
export const cpuTail = (free: number, capacity: number) =>
  `${formatNumber(Math.max(0, free))} of ${formatNumber(Math.max(0, capacity))} free)`;
export const memoryTail = (free: number, capacity: number) =>
  `${formatBytes(Math.max(0, free))} of ${formatBytes(Math.max(0, capacity))} free)`;
