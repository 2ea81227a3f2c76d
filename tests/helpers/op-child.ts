/**
 * A separate process that runs one operation on an inventory and SIGKILLs itself at a given point (a step's
 * start, or right after a step's first undo record is on disk), for tests of crash reconciliation.
 * Usage: tsx op-child.ts DATA_DIR OP_JSON STEP AT   (AT: start | undo | start+MS: MS after the step starts)
 * Prints "PID <pid>" (the task's owner), then "KILL <kind>:<step>:<at>" just before it dies, or "DONE" when
 * the point never came.
 */
import { writeSync } from 'node:fs';
import { createApp } from '../../src/main/app';
import { CreateVmRequest } from '../../src/shared/domain/provision';
import { VmCloneInput } from '../../src/shared/domain/clone';
import { VmSettingsInput } from '../../src/shared/domain/vm-settings';
import { MIGRATIONS_DIR } from './app';

export type ChildOp =
  | { readonly op: 'create'; readonly request: unknown }
  | { readonly op: 'delete'; readonly vmId: string }
  | { readonly op: 'upload'; readonly hostId: string; readonly pool: string; readonly sourcePath: string }
  | { readonly op: 'delete-image'; readonly id: string }
  | { readonly op: 'snapshot-create'; readonly vmId: string; readonly name: string; readonly memory: boolean }
  | { readonly op: 'snapshot-revert'; readonly vmId: string; readonly name: string }
  | { readonly op: 'snapshot-delete'; readonly vmId: string; readonly names: string[] }
  | { readonly op: 'template'; readonly vmId: string; readonly shutDown?: boolean }
  | { readonly op: 'detach'; readonly vmId: string }
  | { readonly op: 'settings'; readonly vmId: string; readonly changes: readonly unknown[] }
  | { readonly op: 'migrate'; readonly vmId: string; readonly toHostId: string }
  | {
      readonly op: 'clone';
      readonly vmId: string;
      readonly name: string;
      readonly mode?: 'full' | 'linked';
      readonly placement?: { readonly hostId?: string; readonly pool?: string };
      readonly count?: number;
    };

const [dataDir, opJson, step, at] = process.argv.slice(2);
/** nth: the how-manyth time the point comes is the one that kills (a bulk's second clone: 2); default 1. */
const op = JSON.parse(opJson!) as ChildOp & { readonly nth?: number };
let seen = 0;
const app = createApp({
  dataDir: dataDir!,
  migrationsDir: MIGRATIONS_DIR,
  version: 'test',
  reconcile: false,
  checkpoint: (p) => {
    const later = /^start\+(\d+)$/.exec(at ?? '');
    if (p.step !== step || p.at !== (later ? 'start' : at) || ++seen < (op.nth ?? 1)) return;
    const die = () => {
      writeSync(1, `KILL ${p.kind}:${p.step}:${at}\n`);
      process.kill(process.pid, 'SIGKILL');
      // Nothing else may run before the signal lands.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    };
    // start+MS: while the step works (a migration streaming), not before it begins.
    if (later) setTimeout(die, Number(later[1]));
    else die();
  },
});

writeSync(1, `PID ${process.pid}\n`);

async function run(): Promise<void> {
  const p = app.provisioning;
  if (op.op === 'create') p.create(CreateVmRequest.parse(op.request));
  else if (op.op === 'delete') await p.deleteVm(op.vmId, true).catch(() => undefined);
  else if (op.op === 'upload') p.upload({ hostId: op.hostId, pool: op.pool, sourcePath: op.sourcePath });
  else if (op.op === 'delete-image') await p.deleteImage(op.id).catch(() => undefined);
  else if (op.op === 'snapshot-create')
    await p.snapshots.create({ vmId: op.vmId, name: op.name, memory: op.memory });
  else if (op.op === 'snapshot-revert') await p.snapshots.revert(op.vmId, op.name);
  else if (op.op === 'clone')
    await p.clones.clone(
      VmCloneInput.parse({
        vmId: op.vmId,
        name: op.name,
        mode: op.mode,
        placement: op.placement,
        count: op.count,
      }),
    );
  else if (op.op === 'template') await p.templates.convert({ vmId: op.vmId, shutDown: op.shutDown ?? false });
  else if (op.op === 'detach') await p.templates.detach({ vmId: op.vmId });
  else if (op.op === 'migrate')
    p.migrations.migrate({ vmId: op.vmId, toHostId: op.toHostId, transport: 'auto' });
  else if (op.op === 'settings')
    await p.settings.update(VmSettingsInput.parse({ vmId: op.vmId, changes: op.changes }));
  else await p.snapshots.delete(op.vmId, op.names);
  await p.drain();
}

void run().then(() => {
  process.stdout.write('DONE\n');
  app.close();
});
