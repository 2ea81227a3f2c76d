/**
 * `qhci`: the console's services without a window. Same composition root (app.ts), same contract,
 * same validation and errors as the desktop app.
 */
import { parseArgs } from 'node:util';
import { createApp } from '../main/app';
import { inProcessBridge } from '../main/ipc/in-process';
import { AppError } from '../shared/domain/errors';
import { createClient } from '../shared/ipc/transport';
import { FOLDER_USAGE, folderCommand } from './commands/folders';
import { HOST_USAGE, hostCommand } from './commands/hosts';
import { SPEC_USAGE, specCommand } from './commands/specs';
import { VM_USAGE, vmCommand } from './commands/vms';
import { print, type Ctx } from './context';
import { defaultDataDir, MIGRATIONS_DIR } from './paths';

const USAGE = `Usage: qhci [--data-dir DIR] [--json] [--project ID] <command>

${HOST_USAGE}

${VM_USAGE}

${FOLDER_USAGE}

${SPEC_USAGE}

Other
  info                                   data directory and schema version

The data directory defaults to the desktop app's (${defaultDataDir()}), or $QHCI_DATA_DIR.
Exit status: 0 done, 1 failed, 2 invalid input.`;

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        project: { type: 'string', default: 'default' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        os: { type: 'string' },
        timezone: { type: 'string' },
        hostname: { type: 'string' },
        description: { type: 'string' },
        'install-agent': { type: 'boolean' },
        'ssh-key-file': { type: 'string', multiple: true },
        'password-stdin': { type: 'boolean' },
        'user-data': { type: 'string' },
        'network-config': { type: 'string' },
        uri: { type: 'string' },
        ssh: { type: 'string' },
        key: { type: 'string' },
        agent: { type: 'boolean' },
        'remote-uri': { type: 'string' },
        accept: { type: 'string' },
        host: { type: 'string' },
      },
    });
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
      migrationsDir: MIGRATIONS_DIR,
      version: process.env.npm_package_version ?? '0.1.0',
    });
  } catch (err) {
    console.error(`qhci: ${(err as Error).message}`);
    return 1;
  }
  const ctx: Ctx = {
    client: createClient(inProcessBridge(app)),
    json: values.json,
    projectId: values.project,
  };
  try {
    const [group, ...rest] = positionals;
    if (group === 'folder' || group === 'folders') await folderCommand(ctx, rest);
    else if (group === 'spec' || group === 'specs') await specCommand(ctx, rest, values);
    else if (group === 'host' || group === 'hosts') await hostCommand(ctx, rest, values);
    else if (group === 'vm' || group === 'vms') await vmCommand(ctx, rest, values);
    else if (group === 'info') {
      const info = await ctx.client.call('app.info', {});
      print(ctx, info, () => `data directory: ${info.dataDir}\nschema version: ${info.schemaVersion}`);
    } else throw new AppError('VALIDATION', `Unknown command "${group}".\n\n${USAGE}`);
    return 0;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(ctx.json ? JSON.stringify({ error: err.toData() }) : `qhci: ${err.message}`);
      return err.code === 'VALIDATION' ? 2 : 1;
    }
    console.error(`qhci: unexpected error: ${(err as Error).message}`);
    return 1;
  } finally {
    app.close();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => (process.exitCode = code));
}
