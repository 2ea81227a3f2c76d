/**
 * Rollback: the task's undo records, newest first, each retried with back-off while its host does not answer,
 * each dropped from the task once done (so a rollback cut short by another crash resumes where it stopped).
 */
import type { TaskHandle } from './task-log';

/** How an operation's undo records (of type U) are read back, described and undone. */
export interface Undoer<U> {
  /** Reads a stored record back (crash reconciliation); undefined for one this version cannot read. */
  parse(raw: unknown): U | undefined;
  /** "volume default/web-disk0.qcow2": what the record stands for, as the task's error lists it. */
  describe(record: U): string;
  /** Undoes it; resolves false when there was nothing to undo. Throws to be retried. */
  undo(record: U): Promise<boolean | void>;
}

export interface RollbackOutcome {
  /** What was undone, described. */
  readonly rolledBack: string[];
  /** What could not be undone, described with why. */
  readonly left: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function rollback<U>(
  task: TaskHandle<U>,
  undoer: Undoer<U>,
  opts: {
    readonly rollbackRetryMs: number;
    readonly log: (msg: string) => void;
    readonly isClosed: () => boolean;
    /** The step that failed keeps showing that it failed; the ones before it show they were undone. */
    readonly failedSeq?: number;
  },
): Promise<RollbackOutcome> {
  const records = task.undoRecords().reverse();
  const out: RollbackOutcome = { rolledBack: [], left: [] };
  const failedSteps = new Set<number>();
  for (const { seq, record } of records) {
    const what = undoer.describe(record);
    const deadline = Date.now() + opts.rollbackRetryMs;
    let delay = 500;
    for (;;) {
      try {
        if ((await undoer.undo(record)) !== false) out.rolledBack.push(what);
        const same = JSON.stringify(record);
        task.step(task.stepName(seq)).dropUndo((x) => JSON.stringify(x) === same);
        break;
      } catch (err) {
        const msg = (err as Error).message;
        if (Date.now() + delay > deadline || opts.isClosed()) {
          opts.log(`Rolling back ${what} failed, giving up: ${msg}`);
          out.left.push(`${what} (${msg})`);
          failedSteps.add(seq);
          break;
        }
        opts.log(`Rolling back ${what} failed, retrying in ${delay} ms: ${msg}`);
        await sleep(delay);
        delay = Math.min(delay * 2, 8000);
      }
    }
  }
  for (const seq of new Set(records.map((r) => r.seq))) {
    if (!failedSteps.has(seq) && seq !== opts.failedSeq) task.markRolledBack(seq);
  }
  return out;
}
