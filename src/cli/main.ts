/**
 * `qhci`: the console's services without a window. Same composition root (app.ts), same contract,
 * same validation and errors as the desktop app.
 */
import { resolve } from 'node:path';
import { createApp } from '../main/app';
import { openSecretStore, secretsMode } from '../main/hosts/keychain-secrets';
import { inProcessBridge } from '../main/ipc/in-process';
import { AppError } from '../shared/domain/errors';
import { createClient } from '../shared/ipc/transport';
import { FOLDER_USAGE, folderCommand } from './commands/folders';
import { HOST_USAGE, hostCommand } from './commands/hosts';
import { IMAGE_USAGE, imageCommand } from './commands/images';
import { PLACE_USAGE, placeCommand } from './commands/place';
import { SPEC_USAGE, specCommand } from './commands/specs';
import { TASK_USAGE, taskCommand } from './commands/tasks';
import { TOP_USAGE, topCommand } from './commands/top';
import { VM_USAGE, vmCommand } from './commands/vms';
import { print, type Ctx } from './context';
import { parseCli } from './options';
import { defaultDataDir, MIGRATIONS_DIR } from './paths';

const USAGE = `Usage: qhci [--data-dir DIR] [--db FILE] [--json] [--project ID] <command>

${HOST_USAGE}

${VM_USAGE}

${IMAGE_USAGE}

${PLACE_USAGE}

${TASK_USAGE}

${FOLDER_USAGE}

${SPEC_USAGE}

${TOP_USAGE}

Other
  info                                   data directory and schema version

The data directory defaults to the desktop app's (${defaultDataDir()}), or $QHCI_DATA_DIR; the inventory
is qhci.db in it unless --db FILE names another. --json prints machine-readable results (and errors).
Progress of long tasks goes to stderr: bars on a terminal, one line per step otherwise.
Host passwords and passphrases go to the OS keychain (shared with the desktop app); with no keychain
reachable, or QHCI_SECRETS=file, to secrets.json (mode 0600, not encrypted) in the data directory.
Exit status: 0 done, 1 failed, 2 invalid input.`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCli(argv);
  } catch (err) {
    console.error(`qhci: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  let app;
  try {
    app = createApp({
      dataDir,
      ...(values.db ? { dbFile: resolve(values.db) } : {}),
      migrationsDir: MIGRATIONS_DIR,
      version: process.env.npm_package_version ?? '0.1.0',
      // Host secrets: the OS keychain the desktop app uses too; the file fallback is said once on stderr.
      secrets: openSecretStore({
        dataDir,
        mode: secretsMode(process.env.QHCI_SECRETS),
        warn: (msg) => console.error(`qhci: ${msg}`),
      }),
    });
  } catch (err) {
    console.error(`qhci: ${(err as Error).message}`);
    return 1;
  }
  const ctx: Ctx = {
    client: createClient(inProcessBridge(app)),
    streams: app.consoles,
    json: values.json,
    projectId: values.project,
  };
  try {
    // Tasks an earlier process left unfinished are rolled back before anything else runs.
    await app.ready;
    const [group, ...rest] = positionals;
    let code: number | void = 0;
    if (group === 'folder' || group === 'folders') await folderCommand(ctx, rest);
    else if (group === 'spec' || group === 'specs') await specCommand(ctx, rest, values);
    else if (group === 'host' || group === 'hosts') code = await hostCommand(ctx, rest, values);
    else if (group === 'vm' || group === 'vms') code = await vmCommand(ctx, rest, values);
    else if (group === 'image' || group === 'images') code = await imageCommand(ctx, rest, values);
    else if (group === 'task' || group === 'tasks') code = await taskCommand(ctx, rest);
    else if (group === 'place') code = await placeCommand(ctx, values);
    else if (group === 'top') code = await topCommand(ctx, values);
    else if (group === 'info') {
      const info = await ctx.client.call('app.info', {});
      print(
        ctx,
        info,
        () =>
          `data directory: ${info.dataDir}\nschema version: ${info.schemaVersion}\nhost secrets: ${info.secretStorage}`,
      );
    } else throw new AppError('VALIDATION', `Unknown command "${group}".\n\n${USAGE}`);
    return code ?? 0;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(
        ctx.json
          ? JSON.stringify({ error: err.toData() })
          : `qhci: ${err.message}${err.field && !err.message.includes(err.field) ? ` (${err.field})` : ''}`,
      );
      return err.code === 'VALIDATION' ? 2 : 1;
    }
    console.error(`qhci: unexpected error: ${(err as Error).message}`);
    return 1;
  } finally {
    // Nothing this process started may be cut off: running tasks finish (or roll back) first.
    await app.provisioning.drain();
    app.close();
  }
}

/** Exits once stdout and stderr have been written out. */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => --pending === 0 && process.exit(code);
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/** Runs the tool on this process's arguments and exits with its status. */
export function runCli(): void {
  // Exit explicitly: the services may still hold a host connection that a background refresh reopened
  // after close (provisioning's post-delete sync is not awaited by drain()).
  void main(process.argv.slice(2)).then(exitAfterFlush);
}

if (require.main === module) runCli();
