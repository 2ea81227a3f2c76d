/**
 * Reservations: capacity held for VMs whose creation has not finished, shared by every process that opens
 * the inventory. The SQL stays here; a PostgreSQL inventory would implement the same calls with row locks.
 */
import type { Reservation } from '../../shared/domain/placement';
import type { Db } from './db';
import { newId, nowIso, parseJson } from './rows';

interface ReservationRow {
  id: string;
  host_id: string;
  vcpus: number;
  memory_bytes: number;
  pools: string;
  grp: string | null;
  owner: string;
  task_id: string | null;
  /** The task's state, when the reservation names a task that exists. */
  task_state: string | null;
}

export interface HeldReservation {
  readonly id: string;
  readonly owner: string;
  readonly taskId: string | null;
  readonly taskState: string | null;
  readonly reservation: Reservation;
}

export function createReservationsRepo(db: Db) {
  const all = db.prepare<[], ReservationRow>(
    `SELECT r.*, t.state AS task_state FROM reservations r LEFT JOIN tasks t ON t.id = r.task_id
     ORDER BY r.created_at, r.id`,
  );
  const insert = db.prepare(
    `INSERT INTO reservations (id, host_id, vcpus, memory_bytes, pools, grp, owner, created_at)
     VALUES (@id, @hostId, @vcpus, @memoryBytes, @pools, @grp, @owner, @now)`,
  );
  const attach = db.prepare('UPDATE reservations SET task_id = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM reservations WHERE id = ?');
  const removeForTask = db.prepare('DELETE FROM reservations WHERE task_id = ?');

  return {
    list(): HeldReservation[] {
      return all.all().map((r) => ({
        id: r.id,
        owner: r.owner,
        taskId: r.task_id,
        taskState: r.task_state,
        reservation: {
          hostId: r.host_id,
          vcpus: r.vcpus,
          memoryBytes: r.memory_bytes,
          pools: parseJson<Record<string, number>>(r.pools, {}),
          ...(r.grp !== null ? { group: r.grp } : {}),
        },
      }));
    },
    insert(owner: string, r: Reservation): string {
      const id = newId();
      insert.run({
        id,
        hostId: r.hostId,
        vcpus: r.vcpus,
        memoryBytes: r.memoryBytes,
        pools: JSON.stringify(r.pools ?? {}),
        grp: r.group ?? null,
        owner,
        now: nowIso(),
      });
      return id;
    },
    attachTask(id: string, taskId: string): void {
      attach.run(taskId, id);
    },
    remove(id: string): boolean {
      return remove.run(id).changes > 0;
    },
    removeForTask(taskId: string): number {
      return removeForTask.run(taskId).changes;
    },
  };
}

export type ReservationsRepo = ReturnType<typeof createReservationsRepo>;
