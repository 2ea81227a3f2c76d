/**
 * One SSH connection per host (ssh2), shared by every exec, SFTP transfer and event stream.
 * The host key is checked against known_hosts on every connect. A dropped connection is re-opened on the
 * next use, with exponential backoff after failures so a dead host is not hammered.
 * Commands are sent in a form every login shell passes on unchanged (shell-quote.ts), and each new
 * connection proves it with a probe before it is used.
 */
import type * as Ssh2Module from 'ssh2';
import type { Client, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import { AppError } from '../../shared/domain/errors';
import { importPackage } from '../esm-import';
import { keyProblemError, type HostKeyTrust, type KeyCheck } from './known-hosts';
import { algorithmsFor } from './ssh-algorithms';
import { describeSshError } from './ssh-errors';
import { probeLoginShell } from './ssh-shell-probe';
import { loginShellCommand } from './shell-quote';

export { SSH_ALGORITHMS, SSH_ALGORITHMS_SHA1 } from './ssh-algorithms';
export { SHELL_PROBE } from './ssh-shell-probe';
export { describeSshError } from './ssh-errors';

type Ssh2 = typeof Ssh2Module;
let ssh2: Promise<Ssh2> | undefined;
/**
 * ssh2 is loaded on the first SSH connection, not at start-up: it is a good part of the command-line tool's
 * start for commands that never use SSH.
 */
function loadSsh2(): Promise<Ssh2> {
  ssh2 ??= importPackage('ssh2', () => import('ssh2')).then((m) => (m as { default?: Ssh2 }).default ?? m);
  return ssh2;
}

export type SshAuth =
  | { readonly method: 'key'; readonly privateKey: string; readonly passphrase?: string }
  | { readonly method: 'agent'; readonly socket: string }
  | { readonly method: 'password'; readonly password: string };

export interface SshTarget {
  readonly host: string;
  readonly port: number;
  readonly username: string;
  readonly auth: SshAuth;
}

export interface SshOptions {
  readonly knownHosts: HostKeyTrust;
  /** Trust an unknown host key if (and only if) its fingerprint is exactly this one. */
  readonly acceptFingerprint?: string;
  readonly readyTimeoutMs?: number;
  readonly keepaliveMs?: number;
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** The user agreed to SHA-1 algorithms for this host (it has nothing better). */
  readonly allowSha1?: boolean;
}

export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

export type ExecBytesResult = Omit<ExecResult, 'stdout'> & { readonly stdout: Buffer };

/** Asks the client for one channel (exec, forwardOut…), in ssh2's callback style. */
export type ChannelOpener = (
  client: Client,
  cb: (err: Error | undefined, channel: ClientChannel) => void,
) => void;

export interface ExecOptions {
  readonly stdin?: string | Buffer;
  readonly timeoutMs?: number;
}

/** Why the last connect did not succeed, for the UI's host-key prompt. */
export type HostKeyProblem = Extract<KeyCheck, { status: 'unknown' | 'changed' }>;

export class SshConnection {
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private closedByUser = false;
  private failures = 0;
  private retryAt = 0;
  private lastError: AppError | null = null;
  /** The key check of the most recent handshake. */
  lastKeyCheck: KeyCheck | null = null;
  private readonly listeners = new Set<(state: 'up' | 'down') => void>();

  constructor(
    readonly target: SshTarget,
    private readonly opts: SshOptions,
  ) {}

  get connected(): boolean {
    return this.client !== null;
  }

  onState(listener: (state: 'up' | 'down') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connects if needed (one attempt in flight at a time); fails fast while backing off after failures. */
  async connect(): Promise<Client> {
    if (this.client) return this.client;
    if (this.connecting) return this.connecting;
    this.closedByUser = false;
    if (this.lastError && Date.now() < this.retryAt) throw this.lastError;
    this.connecting = this.open().then(
      (client) => {
        this.failures = 0;
        this.lastError = null;
        this.client = client;
        this.connecting = null;
        this.emit('up');
        return client;
      },
      (err: AppError) => {
        this.failures += 1;
        const b = this.opts.backoff ?? { initialMs: 1000, maxMs: 30_000 };
        this.retryAt = Date.now() + Math.min(b.maxMs, b.initialMs * 2 ** (this.failures - 1));
        this.lastError = err;
        this.connecting = null;
        throw err;
      },
    );
    return this.connecting;
  }

  private async open(): Promise<Client> {
    const { target, opts } = this;
    const where = `${target.username}@${target.host}:${target.port}`;
    const { Client } = await loadSsh2();
    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let keyProblem: AppError | null = null;
      let settled = false;
      const fail = (err: AppError) => {
        if (settled) return;
        settled = true;
        client.end();
        reject(err);
      };
      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.username,
        readyTimeout: opts.readyTimeoutMs ?? 15_000,
        keepaliveInterval: opts.keepaliveMs ?? 15_000,
        keepaliveCountMax: 3,
        algorithms: algorithmsFor(opts.allowSha1),
        hostVerifier: (key: Buffer) => {
          const check = opts.knownHosts.check(target.host, target.port, key);
          this.lastKeyCheck = check;
          if (check.status === 'trusted') return true;
          if (check.status === 'unknown' && opts.acceptFingerprint === check.fingerprint) {
            opts.knownHosts.trust(target.host, target.port, key);
            this.lastKeyCheck = { status: 'trusted', fingerprint: check.fingerprint };
            return true;
          }
          keyProblem = keyProblemError(check, target.host, target.port);
          return false;
        },
      };
      if (target.auth.method === 'key') {
        config.privateKey = target.auth.privateKey;
        if (target.auth.passphrase !== undefined) config.passphrase = target.auth.passphrase;
      } else if (target.auth.method === 'agent') config.agent = target.auth.socket;
      else config.password = target.auth.password;

      client.on('ready', () => {
        if (settled) return;
        // Small requests (one virsh command, its answer) must not wait for Nagle's algorithm and the
        // host's delayed ACK: without this, a short command over SSH took about 45 ms instead of 1–5 ms.
        client.setNoDelay(true);
        // The login shell must hand our commands on unchanged before anything runs there.
        void probeLoginShell(client, target, opts.readyTimeoutMs ?? 15_000).then((problem) => {
          if (problem) return fail(problem);
          if (settled) return;
          settled = true;
          client.on('close', () => {
            if (this.client === client) {
              this.client = null;
              this.emit('down');
            }
          });
          resolve(client);
        });
      });
      client.on('error', (err: Error & { level?: string }) => {
        if (keyProblem) return fail(keyProblem);
        fail(describeSshError(err, where));
      });
      client.on('close', () =>
        fail(keyProblem ?? new AppError('HOST_ERROR', `The connection to ${where} closed during setup`)),
      );
      try {
        client.connect(config);
      } catch (err) {
        fail(describeSshError(err as Error, where));
      }
    });
  }

  /**
   * Opens a channel, reconnecting once if the connection turns out to be gone (ssh2 notices a dead socket
   * only when it is used). A refusal from a live server (a port nothing listens on, too many sessions)
   * carries a reason code: it is reported as it is, and the connection, with its other channels, stays.
   */
  async openChannel(open: ChannelOpener): Promise<ClientChannel> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.connect();
      try {
        return await new Promise<ClientChannel>((resolve, reject) => {
          try {
            open(client, (err, stream) => (err ? reject(err) : resolve(stream)));
          } catch (err) {
            reject(err as Error);
          }
        });
      } catch (err) {
        if ((err as { reason?: unknown }).reason !== undefined && this.client === client) {
          throw new AppError('HOST_ERROR', `${this.target.host} refused: ${(err as Error).message}`);
        }
        if (this.client === client) {
          this.client = null;
          client.end();
          this.emit('down');
        }
        if (attempt >= 1) {
          throw new AppError(
            'HOST_ERROR',
            `The connection to ${this.target.host}:${this.target.port} was lost (${(err as Error).message})`,
          );
        }
      }
    }
  }

  private channel(command: string): Promise<ClientChannel> {
    return this.openChannel((client, cb) => client.exec(command, cb));
  }

  private streams = 0;

  /** Console channels (forwarded sockets, terminals) opened by openStream that have not closed yet. */
  get openStreams(): number {
    return this.streams;
  }

  /** Opens a long-lived channel for a console, like openChannel, and counts it until it closes. */
  async openStream(open: ChannelOpener): Promise<ClientChannel> {
    const ch = await this.openChannel(open);
    this.streams += 1;
    ch.once('close', () => {
      this.streams -= 1;
    });
    return ch;
  }

  /** Runs argv on the host, each argument shell-quoted. Rejects only when the command could not run. */
  async exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const r = await this.execBytes(argv, opts);
    return { ...r, stdout: r.stdout.toString('utf8') };
  }

  /** exec, with stdout as bytes (a screenshot). */
  async execBytes(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecBytesResult> {
    const stream = await this.channel(loginShellCommand(argv));
    return new Promise<ExecBytesResult>((resolve, reject) => {
      const out: Buffer[] = [];
      const errs: Buffer[] = [];
      let timer: NodeJS.Timeout | undefined;
      if (opts.timeoutMs) {
        timer = setTimeout(() => {
          stream.close();
          reject(
            new AppError(
              'HOST_ERROR',
              `${argv[0]} on ${this.target.host} did not finish within ${Math.round(opts.timeoutMs! / 1000)} s`,
            ),
          );
        }, opts.timeoutMs);
      }
      stream.on('data', (d: Buffer) => out.push(d));
      stream.stderr.on('data', (d: Buffer) => errs.push(d));
      stream.on('close', (code: number | null) => {
        if (timer) clearTimeout(timer);
        if (code === null || code === undefined) {
          // No exit status: the connection died under the command.
          reject(
            new AppError('HOST_ERROR', `The connection to ${this.target.host} was lost while ${argv[0]} ran`),
          );
          return;
        }
        resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(errs).toString('utf8'), code });
      });
      if (opts.stdin !== undefined) stream.end(opts.stdin);
      else stream.end();
    });
  }

  /** A command that stays open for input and output (an interactive virsh); reconnects once like exec. */
  interactive(argv: readonly string[]): Promise<ClientChannel> {
    return this.channel(loginShellCommand(argv));
  }

  /** A long-running command whose output is read as it comes (events). */
  async stream(argv: readonly string[]): Promise<ClientChannel> {
    const client = await this.connect();
    return new Promise((resolve, reject) => {
      client.exec(loginShellCommand(argv), (err, stream) =>
        err ? reject(new AppError('HOST_ERROR', err.message)) : resolve(stream),
      );
    });
  }

  async sftp(): Promise<SFTPWrapper> {
    const client = await this.connect();
    return new Promise((resolve, reject) => {
      client.sftp((err, sftp) =>
        err ? reject(new AppError('HOST_ERROR', `SFTP failed: ${err.message}`)) : resolve(sftp),
      );
    });
  }

  close(): void {
    this.closedByUser = true;
    this.client?.end();
    this.client = null;
  }

  /** Drops the connection as if the network had (tests, and a "reconnect" action). */
  reset(): void {
    this.client?.end();
    this.client = null;
    this.failures = 0;
    this.retryAt = 0;
    this.lastError = null;
  }

  private emit(state: 'up' | 'down'): void {
    if (this.closedByUser && state === 'down') return;
    for (const l of this.listeners) l(state);
  }
}

/** The host key a server presents, read during the handshake only (no authentication is attempted). */
export async function probeHostKey(
  host: string,
  port: number,
  knownHosts: Pick<HostKeyTrust, 'check'>,
  timeoutMs = 15_000,
  allowSha1 = false,
): Promise<KeyCheck> {
  const { Client } = await loadSsh2();
  return new Promise((resolve, reject) => {
    const client = new Client();
    let result: KeyCheck | null = null;
    const done = (err?: AppError) => {
      client.end();
      if (result) resolve(result);
      else reject(err ?? new AppError('HOST_ERROR', `${host}:${port} presented no host key`));
    };
    client.on('error', (err: Error) => done(result ? undefined : describeSshError(err, `${host}:${port}`)));
    client.on('close', () => done());
    client.connect({
      host,
      port,
      username: 'qhci-probe',
      readyTimeout: timeoutMs,
      // The same offer as a real connection, so the same host key is negotiated.
      algorithms: algorithmsFor(allowSha1),
      hostVerifier: (key: Buffer) => {
        result = knownHosts.check(host, port, key);
        return false; // stop here: we only wanted the key
      },
    });
  });
}
