/** An SSH host: ssh2 to host:port, running virsh (always with -c and the host's URI) and host tools there. */
import type { ClientChannel } from 'ssh2';
import { AppError } from '../../../shared/domain/errors';
import {
  collectWithVirsh,
  eventLineReader,
  type DomainEvent,
  type HostDriver,
  type HypervisorFactsCache,
  type PowerAction,
} from '../driver';
import type { SshConnection } from '../ssh-connection';
import { runVirsh, runVirshBatch, type VirshRunner } from '../virsh';

export class SshDriver implements HostDriver {
  readonly kind = 'ssh' as const;
  private readonly run: VirshRunner;
  private readonly facts: HypervisorFactsCache = {};

  constructor(
    readonly conn: SshConnection,
    readonly uri: string,
  ) {
    this.run = (args, opts) => conn.exec(['virsh', '-c', uri, ...args], opts ?? {});
    // A new connection may reach an upgraded or reconfigured host: read its capabilities again.
    conn.onState((state) => {
      if (state === 'down') delete this.facts.value;
    });
  }

  async connect(): Promise<void> {
    await this.conn.connect();
    // The host must have virsh and reach its libvirt: fail now with a clear message if not.
    const r = await this.run(['uri'], { timeoutMs: 30_000 });
    if (r.code === 127)
      throw new AppError('HOST_ERROR', `virsh is not installed on ${this.conn.target.host}`);
    if (r.code !== 0)
      throw new AppError(
        'HOST_ERROR',
        `${this.conn.target.host} cannot reach ${this.uri}: ${r.stderr.trim().replace(/^error:\s*/gm, '')}`,
      );
  }

  close(): void {
    this.conn.close();
  }

  virsh(args: readonly string[], opts?: { timeoutMs?: number; stdin?: string | Buffer }) {
    return runVirsh(this.run, args, opts);
  }

  virshBatch(
    commands: readonly (readonly string[])[],
    opts?: { timeoutMs?: number; stdin?: string | Buffer },
  ) {
    return runVirshBatch(this.run, commands, opts);
  }

  exec(argv: readonly string[], opts?: { timeoutMs?: number; stdin?: string | Buffer }) {
    return this.conn.exec(argv, opts ?? {});
  }

  collect() {
    return collectWithVirsh(this.run, this.facts);
  }

  async power(uuid: string, action: PowerAction): Promise<void> {
    await this.virsh([action, uuid], { timeoutMs: 120_000 });
  }

  async watchEvents(onEvent: (e: DomainEvent) => void, onEnd: (reason: string) => void): Promise<() => void> {
    const stream: ClientChannel = await this.conn.stream([
      'virsh',
      '-c',
      this.uri,
      'event',
      '--all',
      '--loop',
    ]);
    let stopped = false;
    stream.on('data', eventLineReader(onEvent));
    stream.stderr.on('data', () => undefined);
    stream.on('close', () => {
      if (!stopped) onEnd(`the event stream from ${this.conn.target.host} ended`);
    });
    return () => {
      stopped = true;
      stream.close();
    };
  }
}
