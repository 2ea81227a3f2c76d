/**
 * Who owns an unfinished task or a reservation: "hostname:pid". Whether that owner is gone (its process died
 * on this machine, or its heartbeat went silent) decides what crash reconciliation may roll back.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { TaskRow } from '../inventory/tasks.repo';
import { HEARTBEAT_TIMEOUT_MS } from './task-log';

/** Whether the process runs (a zombie does not). Exported for tests that wait for a killed process. */
export function processIsAlive(pid: number): boolean {
  // Linux: a killed process whose parent has not reaped it yet is a zombie, and kill(pid, 0) still works.
  if (existsSync('/proc/self/stat')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether an owner ("hostname:pid") on this machine is a process that no longer runs. */
export function localOwnerIsDead(owner: string, self: string): boolean {
  const [machine, pidText] = owner.split(/:(?=\d+$)/);
  const pid = Number(pidText);
  return machine === self.split(/:(?=\d+$)/)[0] && Number.isInteger(pid) && !processIsAlive(pid);
}

/** Whether an unfinished task's owner is gone: a dead process on this machine, or a silent heartbeat. */
export function ownerIsGone(row: TaskRow, self: string, now = Date.now()): boolean {
  if (row.owner === self) return false;
  const beat = row.heartbeat_at ? Date.parse(row.heartbeat_at) : 0;
  if (now - beat > HEARTBEAT_TIMEOUT_MS) return true;
  return localOwnerIsDead(row.owner ?? '', self);
}
