/**
 * A VM that migrated to another host keeps its inventory row (its id, folder, labels, history): the row is
 * saved before the move and, once the destination runs the VM, moved there in one transaction. A sync or a
 * lifecycle event may have acted meanwhile (the source forgot the domain, the destination found it as a
 * new one): the destination's stray row goes, and a forgotten row comes back from the saved copy.
 */
import { inTransaction, type Db } from './db';
import { nowIso } from './rows';

export type SavedVmRow = Readonly<Record<string, unknown>> & { readonly id: string };

const IDENT = /^[a-z_][a-z0-9_]*$/;

export function createVmMoveRepo(db: Db) {
  const read = db.prepare<[string], SavedVmRow>('SELECT * FROM vms WHERE id = ?');
  const stray = db.prepare('DELETE FROM vms WHERE host_id = ? AND uuid = ? AND id <> ?');
  const move = db.prepare('UPDATE vms SET host_id = ?, state = ?, updated_at = ? WHERE id = ?');
  return {
    save(vmId: string): SavedVmRow | undefined {
      return read.get(vmId);
    },
    /** Moves the VM's row to `hostId` (restoring it from `saved` if it was deleted meanwhile). */
    moveTo(saved: SavedVmRow, hostId: string, uuid: string, state: string): void {
      inTransaction(db, () => {
        stray.run(hostId, uuid, saved.id);
        if (move.run(hostId, state, nowIso(), saved.id).changes > 0) return;
        const cols = Object.keys(saved).filter((c) => IDENT.test(c));
        const row = { ...saved, host_id: hostId, state, updated_at: nowIso() };
        db.prepare(
          `INSERT INTO vms (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`,
        ).run(Object.fromEntries(cols.map((c) => [c, row[c as keyof typeof row]])));
      });
    },
  };
}

export type VmMoveRepo = ReturnType<typeof createVmMoveRepo>;
