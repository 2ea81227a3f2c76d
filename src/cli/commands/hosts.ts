import { createInterface } from 'node:readline/promises';
import { AppError } from '../../shared/domain/errors';
import type { HostSummary } from '../../shared/domain/host';
import { describeCpuVariant, type Accelerator } from '../../shared/domain/cpu';
import { gib, print, readStdin, table, type Ctx } from '../context';
import type { Opts } from '../options';
import { hostMaintenance, MAINTENANCE_USAGE } from './maintenance';

export const HOST_USAGE = `Hosts
  host list
  host show NAME                         capacity, pools, networks, images
  host probe ADDRESS[:PORT]              the SSH host key's fingerprint and whether it is trusted
  host add NAME --uri URI                a libvirt URI (qemu:///system, qemu+ssh://user@host/system…)
  host add NAME --ssh USER@ADDRESS[:PORT] [--key FILE | --agent | --password-stdin]
                [--remote-uri URI] [--accept SHA256:…] [--allow-sha1]
                                         an SSH host; asks to trust an unknown key (or give --accept);
                                         --allow-sha1 only for a host older than OpenSSH 7.2 (ssh-rsa,
                                         hmac-sha1), which is refused otherwise
  host sync NAME
  host set NAME --accel auto|kvm|tcg     how its VMs run: KVM where offered (auto), only KVM, or TCG
                                         (emulation, for a host whose KVM cannot run a real guest)
  host remove NAME                       forgets the host and its inventory; the host is not touched
${MAINTENANCE_USAGE}`;

export async function findHost(ctx: Ctx, name: string): Promise<HostSummary> {
  const hosts = await ctx.client.call('hosts.list', { projectId: ctx.projectId });
  const h = hosts.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (!h) throw new AppError('NOT_FOUND', `No host named "${name}"`);
  return h;
}

function parseTarget(spec: string): { user: string; address: string; port: number } {
  const m = /^([^@\s]+)@(\[[^\]]+\]|[^:\s]+)(?::(\d+))?$/.exec(spec);
  if (!m) throw new AppError('VALIDATION', `"${spec}" is not USER@ADDRESS[:PORT]`, 'ssh');
  return { user: m[1]!, address: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22 };
}

function hostLine(h: HostSummary): string[] {
  const f = h.facts;
  return [
    h.name,
    h.kind,
    `${h.state}${h.stale ? ' (stale)' : ''}${h.maintenance ? ' MAINTENANCE' : ''}`,
    f ? String(f.cpus) : '-',
    f ? gib(f.memoryBytes) : '-',
    String(h.vmCount),
    h.kind === 'ssh' ? `${h.user}@${h.address}:${h.port}` : h.uri,
  ];
}

async function confirmFingerprint(
  address: string,
  port: number,
  fingerprint: string,
  keyType: string,
): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `The host key of ${address}:${port} is not known.\n  ${keyType} ${fingerprint}\nTrust it and connect? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** "kvm (policy auto); CPU mode host-passthrough without arch-capabilities, found by a creation". */
function accelText(h: HostSummary): string {
  const offers = h.facts ? (h.facts.domainType === 'kvm' ? 'kvm' : 'tcg only') : 'unknown';
  const used = h.policy.accelerator === 'tcg' ? 'tcg' : h.facts?.domainType === 'kvm' ? 'kvm' : 'tcg';
  const cpu = h.cpuMode ? `; CPU mode ${describeCpuVariant(h.cpuMode)}, found by a creation` : '';
  return `${used} (offers ${offers}, policy ${h.policy.accelerator})${cpu}`;
}

export async function hostCommand(ctx: Ctx, args: string[], opts: Opts): Promise<number | void> {
  const [verb, a] = args;
  const c = ctx.client;
  if (verb === 'maintenance' && a) return hostMaintenance(ctx, await findHost(ctx, a), opts);
  if (verb === 'list') {
    const hosts = await c.call('hosts.list', { projectId: ctx.projectId });
    return print(ctx, hosts, () =>
      hosts.length
        ? table(['NAME', 'KIND', 'STATE', 'CPUS', 'MEMORY', 'VMS', 'CONNECTION'], hosts.map(hostLine))
        : 'No hosts',
    );
  }
  if (verb === 'show' && a) {
    const d = await c.call('hosts.get', { id: (await findHost(ctx, a)).id });
    return print(ctx, d, () =>
      [
        table(['NAME', 'KIND', 'STATE', 'CPUS', 'MEMORY', 'VMS', 'CONNECTION'], [hostLine(d.host)]),
        d.host.lastError ? `last error: ${d.host.lastError}` : '',
        `accelerator: ${accelText(d.host)}`,
        '',
        table(
          ['POOL', 'TYPE', 'STATE', 'CAPACITY', 'FREE', 'PATH'],
          d.pools.map((p) => [
            p.name,
            p.type,
            p.state,
            gib(p.capacityBytes),
            gib(p.availableBytes),
            p.path ?? '',
          ]),
        ),
        '',
        table(
          ['NETWORK', 'FORWARD', 'BRIDGE', 'ACTIVE'],
          d.networks.map((n) => [n.name, n.forward ?? 'isolated', n.bridge ?? '', n.active ? 'yes' : 'no']),
        ),
        '',
        table(
          ['VOLUME', 'POOL', 'KIND', 'FORMAT', 'SIZE', 'BACKING'],
          d.volumes.map((v) => [
            v.name,
            v.pool,
            v.kind,
            v.format ?? '',
            gib(v.capacityBytes),
            v.backingPath ?? '',
          ]),
        ),
      ]
        .filter((x, i, all) => x !== '' || all[i - 1] !== '')
        .join('\n'),
    );
  }
  if (verb === 'probe' && a) {
    const [address, port] = a.includes(':')
      ? [a.slice(0, a.lastIndexOf(':')), Number(a.slice(a.lastIndexOf(':') + 1))]
      : [a, 22];
    const p = await c.call('hosts.probe', { address: address!, port: port! });
    return print(
      ctx,
      p,
      () =>
        `${p.keyType} ${p.fingerprint}  ${p.status}${p.trusted.length ? ` (trusted before: ${p.trusted.join(', ')})` : ''}`,
    );
  }
  if (verb === 'add' && a) {
    let connection;
    if (typeof opts.uri === 'string') connection = { kind: 'libvirt' as const, uri: opts.uri };
    else if (typeof opts.ssh === 'string') {
      const t = parseTarget(opts.ssh);
      const auth = opts['password-stdin']
        ? { method: 'password' as const, password: await readStdin() }
        : opts.agent
          ? { method: 'agent' as const }
          : {
              method: 'key' as const,
              keyFile: typeof opts.key === 'string' ? opts.key : `${process.env.HOME}/.ssh/id_ed25519`,
            };
      connection = {
        kind: 'ssh' as const,
        ...t,
        auth,
        ...(typeof opts['remote-uri'] === 'string' ? { uri: opts['remote-uri'] } : {}),
        ...(opts['allow-sha1'] ? { allowSha1: true } : {}),
      };
    } else throw new AppError('VALIDATION', 'host add needs --uri URI or --ssh USER@ADDRESS[:PORT]');
    let accept = typeof opts.accept === 'string' ? opts.accept : undefined;
    if (connection.kind === 'ssh' && accept === undefined) {
      const probe = await c.call('hosts.probe', {
        address: connection.address,
        port: connection.port,
        ...(connection.allowSha1 ? { allowSha1: true } : {}),
      });
      if (probe.status === 'unknown') {
        if (
          !(await confirmFingerprint(connection.address, connection.port, probe.fingerprint, probe.keyType))
        ) {
          throw new AppError(
            'HOST_KEY_UNKNOWN',
            `The host key of ${connection.address}:${connection.port} is ${probe.keyType} ${probe.fingerprint}. Check it, then run again with --accept ${probe.fingerprint}`,
          );
        }
        accept = probe.fingerprint;
      }
    }
    const h = await c.call('hosts.add', {
      projectId: ctx.projectId,
      name: a,
      connection,
      ...(accept ? { acceptFingerprint: accept } : {}),
    });
    return print(
      ctx,
      h,
      () => `Added ${h.name}: ${h.state}${h.lastError ? ` (${h.lastError})` : ''}, ${h.vmCount} VMs`,
    );
  }
  if (verb === 'sync' && a) {
    const r = await c.call('hosts.sync', { id: (await findHost(ctx, a)).id });
    return print(ctx, r, () =>
      [
        `Synced in ${r.durationMs} ms: ${r.domains} VMs, ${r.pools} pools, ${r.volumes} volumes, ${r.networks} networks`,
        ...r.warnings.map((w) => `warning: ${w}`),
      ].join('\n'),
    );
  }
  if (verb === 'set' && a) {
    if (typeof opts.accel !== 'string')
      throw new AppError('VALIDATION', 'host set needs --accel auto|kvm|tcg', 'accel');
    const h = await c.call('hosts.update', {
      id: (await findHost(ctx, a)).id,
      policy: { accelerator: opts.accel as Accelerator },
    });
    return print(ctx, h, () => `${h.name}: accelerator ${accelText(h)}`);
  }
  if (verb === 'remove' && a) {
    const r = await c.call('hosts.remove', { id: (await findHost(ctx, a)).id });
    return print(ctx, r, () => `Removed ${a} from the inventory`);
  }
  throw new AppError('VALIDATION', `Unknown host command.\n\n${HOST_USAGE}`);
}
