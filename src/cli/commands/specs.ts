import { readFileSync } from 'node:fs';
import { AppError } from '../../shared/domain/errors';
import type { CustomizationSpec } from '../../shared/domain/spec';
import { print, readStdin, type Ctx } from '../context';

export const SPEC_USAGE = `Customization specs
  spec list
  spec show NAME
  spec create NAME [--os linux|windows] [--timezone TZ] [--hostname TEMPLATE] [--install-agent]
                   [--ssh-key-file FILE]... [--password-stdin] [--user-data FILE] [--network-config FILE]
  spec duplicate NAME NEW-NAME
  spec delete NAME`;

async function findSpec(ctx: Ctx, name: string): Promise<CustomizationSpec> {
  const specs = await ctx.client.call('specs.list', { projectId: ctx.projectId });
  const spec = specs.find((s) => s.name.toLowerCase() === name.toLowerCase());
  if (!spec) throw new AppError('NOT_FOUND', `No customization spec named "${name}"`);
  return spec;
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

export async function specCommand(ctx: Ctx, args: string[], opts: Record<string, unknown>): Promise<void> {
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
  throw new AppError('VALIDATION', `Unknown spec command.\n\n${SPEC_USAGE}`);
}
