/**
 * `qhci`: the console's services without a window. Same composition root (app.ts), same contract,
 * same validation and errors as the desktop app.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createApp } from '../main/app';
import { inProcessBridge } from '../main/ipc/in-process';
import { AppError } from '../shared/domain/errors';
import type { FolderNode } from '../shared/domain/folder';
import type { CustomizationSpec } from '../shared/domain/spec';
import { createClient, type QhciClient } from '../shared/ipc/transport';
import { defaultDataDir, MIGRATIONS_DIR } from './paths';

const USAGE = `Usage: qhci [--data-dir DIR] [--json] [--project ID] <command>

Folders
  folder tree                            show the folder tree with VM counts
  folder create PATH                     create a folder; parents must exist (e.g. /Production/Web)
  folder rename PATH NEW-NAME
  folder move PATH NEW-PARENT-PATH
  folder delete PATH                     subfolders go too; VMs stay with their folder cleared

Customization specs
  spec list
  spec show NAME
  spec create NAME [--os linux|windows] [--timezone TZ] [--hostname TEMPLATE] [--install-agent]
                   [--ssh-key-file FILE]... [--password-stdin] [--user-data FILE] [--network-config FILE]
  spec duplicate NAME NEW-NAME
  spec delete NAME

Other
  info                                   data directory and schema version

The data directory defaults to the desktop app's (${defaultDataDir()}), or $QHCI_DATA_DIR.`;

interface Ctx {
  client: QhciClient;
  json: boolean;
  projectId: string;
}

function print(ctx: Ctx, value: unknown, text: () => string): void {
  console.log(ctx.json ? JSON.stringify(value, null, 2) : text());
}

async function findFolder(ctx: Ctx, path: string): Promise<FolderNode> {
  const want = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const walk = (n: FolderNode): FolderNode | undefined =>
    n.path === want ? n : n.children.map(walk).find((x) => x !== undefined);
  const found = walk(await ctx.client.call('folders.tree', { projectId: ctx.projectId }));
  if (!found) throw new AppError('NOT_FOUND', `No folder at ${path}`);
  return found;
}

async function findSpec(ctx: Ctx, name: string): Promise<CustomizationSpec> {
  const specs = await ctx.client.call('specs.list', { projectId: ctx.projectId });
  const spec = specs.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!spec) throw new AppError('NOT_FOUND', `No customization spec named "${name}"`);
  return spec;
}

function treeText(node: FolderNode, depth = 0): string {
  const label = depth === 0 ? '/' : node.name;
  const line = `${'  '.repeat(depth)}${label}${node.vmCount ? `  (${node.vmCount} VMs)` : ''}`;
  return [line, ...node.children.map((c) => treeText(c, depth + 1))].join('\n');
}

function specText(s: CustomizationSpec): string {
  return [
    `${s.name}  (${s.osFamily})`,
    s.description && `  ${s.description}`,
    `  timezone:       ${s.timezone}`,
    `  hostname:       ${s.hostnameTemplate}`,
    `  install agent:  ${s.installAgent ? 'yes' : 'no'}`,
    `  admin password: ${s.adminPasswordSet ? 'set' : 'not set'}`,
    `  ssh keys:       ${s.sshKeys.length}`,
    ...s.sshKeys.map((k) => `    ${k.length > 70 ? `${k.slice(0, 40)}…${k.slice(-25)}` : k}`),
  ]
    .filter(Boolean)
    .join('\n');
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function folderCommand(ctx: Ctx, args: string[]): Promise<void> {
  const [verb, a, b] = args;
  const c = ctx.client;
  if (verb === 'tree' || verb === 'list') {
    const tree = await c.call('folders.tree', { projectId: ctx.projectId });
    return print(ctx, tree, () => treeText(tree));
  }
  if (verb === 'create' && a) {
    const slash = a.replace(/\/+$/, '').lastIndexOf('/');
    const parentPath = slash <= 0 ? '/' : a.slice(0, slash);
    const parent = await findFolder(ctx, parentPath);
    const f = await c.call('folders.create', {
      projectId: ctx.projectId,
      parentId: parent.id,
      name: a.slice(slash + 1),
    });
    return print(ctx, f, () => `Created ${f.path}`);
  }
  if (verb === 'rename' && a && b) {
    const f = await c.call('folders.rename', { id: (await findFolder(ctx, a)).id, name: b });
    return print(ctx, f, () => `Renamed to ${f.path}`);
  }
  if (verb === 'move' && a && b) {
    const target = await findFolder(ctx, b);
    const f = await c.call('folders.move', { id: (await findFolder(ctx, a)).id, parentId: target.id });
    return print(ctx, f, () => `Moved to ${f.path}`);
  }
  if (verb === 'delete' && a) {
    const r = await c.call('folders.delete', { id: (await findFolder(ctx, a)).id });
    return print(
      ctx,
      r,
      () => `Deleted ${r.deletedFolders} folder(s); ${r.unassignedVms} VM(s) now have no folder`,
    );
  }
  throw new AppError('VALIDATION', `Unknown folder command. ${USAGE}`);
}

async function specCommand(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<void> {
  const [verb, a, b] = args;
  const c = ctx.client;
  if (verb === 'list') {
    const specs = await c.call('specs.list', { projectId: ctx.projectId });
    return print(ctx, specs, () =>
      specs.length
        ? specs.map((s) => `${s.name}\t${s.osFamily}\t${s.timezone}`).join('\n')
        : 'No customization specs',
    );
  }
  if (verb === 'show' && a) {
    const s = await findSpec(ctx, a);
    return print(ctx, s, () => specText(s));
  }
  if (verb === 'create' && a) {
    const read = (f: unknown) => (typeof f === 'string' ? readFileSync(f, 'utf8') : undefined);
    const keys = ((opts['ssh-key-file'] as string[] | undefined) ?? []).flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#')),
    );
    const s = await c.call('specs.create', {
      projectId: ctx.projectId,
      name: a,
      ...(opts.os ? { osFamily: opts.os as 'linux' } : {}),
      ...(opts.timezone ? { timezone: opts.timezone as string } : {}),
      ...(opts.hostname ? { hostnameTemplate: opts.hostname as string } : {}),
      ...(opts.description ? { description: opts.description as string } : {}),
      installAgent: opts['install-agent'] === true,
      sshKeys: keys,
      ...(opts['password-stdin'] ? { adminPassword: await readStdin() } : {}),
      ...(opts['user-data'] ? { userData: read(opts['user-data']) } : {}),
      ...(opts['network-config'] ? { networkConfig: read(opts['network-config']) } : {}),
    });
    return print(ctx, s, () => `Created customization spec\n${specText(s)}`);
  }
  if (verb === 'duplicate' && a && b) {
    const s = await c.call('specs.duplicate', { id: (await findSpec(ctx, a)).id, name: b });
    return print(ctx, s, () => `Created "${s.name}" from "${a}"`);
  }
  if (verb === 'delete' && a) {
    const r = await c.call('specs.delete', { id: (await findSpec(ctx, a)).id });
    return print(ctx, r, () => `Deleted "${a}"`);
  }
  throw new AppError('VALIDATION', `Unknown spec command. ${USAGE}`);
}

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
