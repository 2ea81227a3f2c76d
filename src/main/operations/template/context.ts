/**
 * What the template operations share: their dependencies, and the undo records of "convert to template" (a
 * disk file's mode restored, a VM that was running started again).
 */
import { z } from 'zod';
import { AppError } from '../../../shared/domain/errors';
import type { Undoer } from '../../tasks/engine';
import type { HostOps } from '../host-ops';
import type { SnapshotDeps } from '../snapshots/context';

export interface TemplateDeps extends SnapshotDeps {
  /** How long a guest gets to shut down before the conversion gives up (default 3 min). */
  readonly shutdownTimeoutMs?: number;
}

const Text = z.string().min(1);
export const TemplateUndo = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('mode'),
    hostId: Text,
    path: z.string().startsWith('/'),
    mode: z.string().regex(/^[0-7]{3,4}$/),
  }),
  z.strictObject({ type: z.literal('restart'), hostId: Text, uuid: Text, name: Text }),
]);
export type TemplateUndo = z.infer<typeof TemplateUndo>;

/** Runs a command on the host; its failure is a HOST_ERROR that names it. */
export async function onHost(ops: HostOps, argv: readonly string[], what: string): Promise<string> {
  const r = await ops.driver.exec(argv);
  if (r.code !== 0) throw new AppError('HOST_ERROR', `${what}: ${(r.stderr || r.stdout).trim()}`);
  return r.stdout;
}

export function templateUndoer(deps: TemplateDeps): Undoer<TemplateUndo> {
  return {
    parse: (raw) => {
      const r = TemplateUndo.safeParse(raw);
      return r.success ? r.data : undefined;
    },
    describe: (r) => (r.type === 'mode' ? `mode ${r.mode} of ${r.path}` : `VM ${r.name} running again`),
    async undo(r) {
      const ops = await deps.opsFor(r.hostId);
      if (r.type === 'mode') {
        await onHost(ops, ['chmod', r.mode, '--', r.path], `Cannot restore the mode of ${r.path}`);
        return;
      }
      if ((await ops.domainState(r.uuid)) === 'shut off') await ops.start(r.uuid);
    },
  };
}
