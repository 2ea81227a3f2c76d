/** An SSH host: ssh2 to host:port, running virsh (always with -c and the host's URI) and host tools there. */
import type { Client, ClientChannel } from 'ssh2';
import { AppError } from '../../../shared/domain/errors';
import {
  collectWithVirsh,
  eventLineReader,
  type DomainEvent,
  type HostDriver,
  type CollectOptions,
  type HypervisorFactsCache,
  type PowerAction,
} from '../driver';
import type { SshConnection } from '../ssh-connection';
import { usableLibvirtUri } from './libvirt';
import { endedWithConnection, openSshSocket, openSshVirshTerminal, sshVirshBytes } from './ssh-streams';
import type { Duplex } from 'node:stream';
import type { SocketTarget, TerminalSize } from '../../consoles/types';
import type { VirshRunner } from '../virsh';
import { sessionVirsh, VirshSessions, type VirshProcess } from '../virsh-session';

export class SshDriver implements HostDriver {
  readonly kind = 'ssh' as const;
  private readonly run: VirshRunner;
  /** Long-lived virsh processes on the host (one SSH channel each) for commands without input. */
  private readonly sessions: VirshSessions;
  private readonly transport: ReturnType<typeof sessionVirsh>;
  private readonly facts: HypervisorFactsCache = {};
  /** The SSH connection whose virsh check passed or runs (callers at the same time share it). */
  private checked: { readonly client: Client; readonly done: Promise<void> } | null = null;

  constructor(
    readonly conn: SshConnection,
    readonly uri: string,
  ) {
    // virsh runs on the host with this URI: one saved before the contract checked it is refused here.
    usableLibvirtUri(uri, 'ssh-host');
    this.run = (args, opts) => conn.exec(['virsh', '-c', uri, ...args], opts ?? {});
    this.sessions = new VirshSessions(() => this.openSession());
    this.transport = sessionVirsh(this.sessions, this.run);
    // A new connection may reach an upgraded or reconfigured host: read its capabilities again.
    conn.onState((state) => {
      if (state === 'down') delete this.facts.value;
    });
  }

  /**
   * Connects, and checks once per SSH connection that virsh on the host reaches its libvirt. Liveness is
   * the connection's own: ssh2's close and error events (and its keepalives, for a network that goes silent)
   * drop it, and the next call opens a new one, checked again. Between checks every command reports its own
   * failure, so operations may call this before each step for nothing (the check was a process on the host
   * at every call, ~70 ms).
   */
  async connect(): Promise<void> {
    const client = await this.conn.connect();
    let c = this.checked;
    if (c?.client !== client) {
      const done = this.checkVirsh();
      const mine = { client, done };
      c = this.checked = mine;
      // A failed check is tried again by the next call (the host may get virsh or its libvirt back).
      done.catch(() => {
        if (this.checked === mine) this.checked = null;
      });
    }
    await c.done;
  }

  /** The host has virsh and reaches its libvirt: fails with a clear message if not. */
  private async checkVirsh(): Promise<void> {
    // Its own process: the exit status 127 tells a missing virsh apart.
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
    this.sessions.close();
    this.conn.close();
  }

  private async openSession(): Promise<VirshProcess> {
    const ch = await this.conn.interactive(['virsh', '-c', this.uri]);
    ch.setEncoding('utf8');
    ch.stderr.setEncoding('utf8');
    let gone: string | null = null;
    /** virsh exited, or we closed its channel: the channel's end is not the connection's. */
    let ownEnd = false;
    const exits: ((reason: string) => void)[] = [];
    ch.on('exit', () => {
      ownEnd = true;
    });
    ch.on('close', () => {
      // No exit status: the SSH connection went away under virsh (sshd or the network), not virsh itself.
      const { host, port } = this.conn.target;
      gone ??= ownEnd ? `virsh on ${host} ended` : `the connection to ${host}:${port} closed while virsh ran`;
      for (const cb of exits) cb(gone);
    });
    return {
      write: (data) => ch.write(data),
      onStdout: (cb) => ch.on('data', cb),
      onStderr: (cb) => ch.stderr.on('data', cb),
      onExit: (cb) => (gone !== null ? cb(gone) : exits.push(cb)),
      end: () => ch.end(),
      kill: () => {
        ownEnd = true;
        ch.close();
      },
      // The SSH connection, not the channel, holds the process open (as it does for every command).
      ref: () => undefined,
    };
  }

  virsh(args: readonly string[], opts?: { timeoutMs?: number; stdin?: string | Buffer }) {
    return this.transport.one(args, opts);
  }

  virshBatch(
    commands: readonly (readonly string[])[],
    opts?: { timeoutMs?: number; stdin?: string | Buffer; parallel?: number },
  ) {
    return this.transport.batch(commands, opts);
  }

  exec(argv: readonly string[], opts?: { timeoutMs?: number; stdin?: string | Buffer }) {
    return this.conn.exec(argv, opts ?? {});
  }

  collect(opts?: CollectOptions) {
    return collectWithVirsh((c, o) => this.virshBatch(c, o), this.facts, undefined, opts);
  }

  async power(uuid: string, action: PowerAction): Promise<void> {
    await this.virsh([action, '--domain', uuid], { timeoutMs: 120_000 });
  }

  openSocket(target: SocketTarget) {
    return openSshSocket(this.conn, target);
  }

  openVirshTerminal(args: readonly string[], size: TerminalSize) {
    return openSshVirshTerminal(this.conn, this.uri, args, size);
  }

  virshBytes(args: readonly string[], opts?: { timeoutMs?: number }) {
    return sshVirshBytes(this.conn, this.uri, args, opts);
  }

  get openStreams(): number {
    return this.conn.openStreams;
  }

  lostWithConnection(stream: Duplex): boolean {
    return endedWithConnection(stream);
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
