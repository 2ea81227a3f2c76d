/**
 * A libvirt URI host: domain calls through the native binding (@unraid/libvirt, loaded lazily and optional),
 * pools, volumes and networks through `virsh -c URI` on this workstation. Where the binding cannot load,
 * virsh does everything.
 *
 * The URI is checked again here (libvirt-uri.ts), whatever stored it: one that could run a program or skip
 * a host-key check is refused before anything opens it. Over ssh and libssh the host key goes through the
 * console's known_hosts first (trust on first use, as for SSH hosts), and libvirt's own SSH client is then
 * held to that one key.
 */
import { spawn } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { AppError } from '../../../shared/domain/errors';
import {
  checkLibvirtUri,
  isLocalLibvirtUri,
  usesSsh,
  type LibvirtUriParts,
} from '../../../shared/domain/libvirt-uri';
import {
  collectWithVirsh,
  eventLineReader,
  type CollectOptions,
  type DomainEvent,
  type HostDriver,
  type HypervisorFactsCache,
  type PowerAction,
  type RawHostData,
} from '../driver';
import { runLocal, spawnLocalVirsh } from '../local-process';
import { localVirshBytes, openLocalSocket, spawnVirshTerminal, StreamCount } from './local-streams';
import type { HostTerminal, SocketTarget, TerminalSize } from '../../consoles/types';
import type { VirshRunner } from '../virsh';
import { sessionVirsh, VirshSessions } from '../virsh-session';
import { SshKeyPin, type LibvirtHostKeys } from './ssh-key-pin';
import {
  importLibvirtBinding,
  type LibvirtBinding as Binding,
  type LibvirtHypervisor as Hypervisor,
} from './libvirt-binding';

let bindingPromise: Promise<Binding | null> | null = null;

/** The native binding, or null (with the reason logged once) where it cannot load. */
export function loadBinding(log: (msg: string) => void = () => undefined): Promise<Binding | null> {
  bindingPromise ??= importLibvirtBinding().then(
    (m) => m,
    (err: Error) => {
      log(
        `The libvirt native binding is not available (${err.message.split('\n')[0]}); using virsh for domain calls.`,
      );
      return null;
    },
  );
  return bindingPromise;
}

/** libvirt's numeric domain states, as virsh names them. */
const STATE_NAMES = [
  'nostate',
  'running',
  'blocked',
  'paused',
  'shutdown',
  'shutoff',
  'crashed',
  'pmsuspended',
];

/**
 * The parts of a URI the console accepts, or a HOST_ERROR naming what is refused (a URI saved before the
 * contract checked it, or one given to the command-line tool). `on` says where it is opened: virsh on an
 * SSH host opens that host's own libvirt only.
 */
export function usableLibvirtUri(
  uri: string,
  on: 'workstation' | 'ssh-host' = 'workstation',
): LibvirtUriParts {
  const r = checkLibvirtUri(uri);
  if (!r.ok)
    throw new AppError('HOST_ERROR', `The libvirt URI ${JSON.stringify(uri)} is refused: ${r.reason}`);
  if (on === 'ssh-host' && !isLocalLibvirtUri(r.uri)) {
    throw new AppError(
      'HOST_ERROR',
      `The libvirt URI ${JSON.stringify(uri)} is refused: virsh on an SSH host opens that host's own libvirt (qemu:///system)`,
    );
  }
  return r.uri;
}

/** Where the host key of an ssh or libssh URI is checked, and the fingerprint the user accepted (if any). */
export type { LibvirtHostKeys } from './ssh-key-pin';

export class LibvirtDriver implements HostDriver {
  readonly kind = 'libvirt' as const;
  private readonly run: VirshRunner;
  /** Long-lived virsh processes for commands without input (most of them). */
  private readonly sessions: VirshSessions;
  private readonly transport: ReturnType<typeof sessionVirsh>;
  private hv: Hypervisor | null = null;
  private readonly facts: HypervisorFactsCache = {};

  private readonly parts: LibvirtUriParts;
  /** For ssh and libssh URIs: the host key checked and libvirt's SSH client held to it. */
  private readonly pin: SshKeyPin | null;

  constructor(
    readonly uri: string,
    private readonly opts: {
      useBinding?: boolean;
      log?: (msg: string) => void;
      /** Required for ssh and libssh URIs: without it they are refused. */
      hostKeys?: LibvirtHostKeys;
    } = {},
  ) {
    this.parts = usableLibvirtUri(uri);
    this.pin = usesSsh(this.parts) ? new SshKeyPin(uri, this.parts, opts.hostKeys) : null;
    this.run = (args, o) => this.target().then((u) => runLocal('virsh', ['-c', u, ...args], o ?? {}));
    this.sessions = new VirshSessions(() => this.target().then(spawnLocalVirsh));
    this.transport = sessionVirsh(this.sessions, this.run);
  }

  /** Whether the hypervisor's files are on this workstation (qemu:///system, test:///…). */
  get isLocal(): boolean {
    return isLocalLibvirtUri(this.parts);
  }

  /** The URI virsh and the binding open: over SSH, once the host key is checked, held to that key. */
  private target(): Promise<string> {
    return this.pin ? this.pin.uri() : Promise.resolve(this.uri);
  }

  /**
   * Checks that virsh reaches the URI (the interactive virsh that answers stays for the next commands).
   * The native binding is opened later, on first use: loading and connecting it costs ~90 ms that a
   * creation or a one-shot command does not need.
   */
  connect(): Promise<void> {
    if (this.virshChecked) return Promise.resolve();
    // Callers at the same time share one check. A host-key problem is reported as it is.
    this.checking ??= this.target()
      .then(() =>
        this.virsh(['uri'], { timeoutMs: 30_000 }).then(
          () => {
            this.virshChecked = true;
          },
          (err: AppError) => {
            throw new AppError(
              'HOST_ERROR',
              `Cannot connect to ${this.uri}: ${err.message.replace(/^virsh uri: /, '')}`,
            );
          },
        ),
      )
      .finally(() => {
        this.checking = null;
      });
    return this.checking;
  }

  /** The URI answered once (every later call still reports its own failure). */
  private virshChecked = false;
  private checking: Promise<void> | null = null;
  private hvOpening: Promise<Hypervisor | null> | null = null;

  /** The native connection, opened on first use (a sync's domain reads, power operations); null without it. */
  private binding(): Promise<Hypervisor | null> {
    if (this.opts.useBinding === false) return Promise.resolve(null);
    this.hvOpening ??= (async () => {
      const binding = await loadBinding(this.opts.log);
      if (!binding) return null;
      const hv = new binding.Hypervisor({ uri: await this.target() });
      try {
        await hv.connectOpen();
      } catch (err) {
        this.opts.log?.(
          `The native connection to ${this.uri} failed (${(err as Error).message}); using virsh.`,
        );
        this.hvOpening = null;
        return null;
      }
      if (this.closed) {
        void hv.connectClose().catch(() => undefined);
        return null;
      }
      this.hv = hv;
      return hv;
    })();
    return this.hvOpening;
  }

  private closed = false;

  close(): void {
    this.closed = true;
    this.sessions.close();
    this.virshChecked = false;
    delete this.facts.value;
    const hv = this.hv;
    this.hv = null;
    this.hvOpening = null;
    void hv?.connectClose().catch(() => undefined);
    this.pin?.close();
  }

  get usesBinding(): boolean {
    return this.hv !== null;
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
    if (!this.isLocal) {
      return Promise.reject(
        new AppError(
          'UNSUPPORTED',
          `${argv[0]} cannot run on a remote libvirt URI (${this.uri}); add the host as an SSH host to use host tools`,
        ),
      );
    }
    const [program, ...args] = argv;
    return runLocal(program!, args, opts ?? {});
  }

  private async bindingDomains(hv: Hypervisor): Promise<RawHostData['domains']> {
    const domains = await hv.connectListAllDomains();
    const out = await Promise.all(
      domains.map(async (d) => {
        try {
          const [uuid, info, xml] = await Promise.all([
            hv.domainGetUUIDString(d),
            hv.domainGetInfo(d),
            hv.domainGetXMLDesc(d),
          ]);
          const state = STATE_NAMES[info.state] ?? 'unknown';
          return [{ uuid, state: state === 'blocked' ? 'running' : state, xml }];
        } catch {
          return []; // undefined while we read it
        }
      }),
    );
    return out.flat();
  }

  async collect(opts?: CollectOptions): Promise<RawHostData> {
    const hv = await this.binding();
    return collectWithVirsh(
      (c, o) => this.virshBatch(c, o),
      this.facts,
      hv ? () => this.bindingDomains(hv) : undefined,
      opts,
    );
  }

  async power(uuid: string, action: PowerAction): Promise<void> {
    const hv = action === 'reboot' ? null : await this.binding();
    if (hv && action !== 'reboot') {
      try {
        const d = await hv.domainLookupByUUIDString(uuid);
        const call = {
          start: () => hv.domainCreate(d),
          shutdown: () => hv.domainShutdown(d),
          destroy: () => hv.domainDestroy(d),
          suspend: () => hv.domainSuspend(d),
          resume: () => hv.domainResume(d),
        }[action];
        await call();
        return;
      } catch (err) {
        throw new AppError('HOST_ERROR', `${action} failed: ${(err as Error).message}`);
      }
    }
    // The binding has no reboot: virsh does it.
    await this.virsh([action, '--domain', uuid], { timeoutMs: 120_000 });
  }

  /** The display's socket, for a hypervisor on this workstation only (libvirt gives no tunnel to it). */
  openSocket(target: SocketTarget): Promise<Duplex> {
    if (!this.isLocal) {
      return Promise.reject(
        new AppError(
          'UNSUPPORTED',
          `The graphical console cannot reach a display through a remote libvirt URI (${this.uri}); add the host as an SSH host to use it`,
        ),
      );
    }
    return openLocalSocket(target).then((s) => this.streams.track(s));
  }

  /** virsh runs here, whatever the URI: it reaches a remote libvirt itself. */
  async openVirshTerminal(args: readonly string[], size: TerminalSize): Promise<HostTerminal> {
    const t = await spawnVirshTerminal(await this.target(), args, size);
    this.streams.track(t.stream);
    return t;
  }

  async virshBytes(args: readonly string[], opts?: { timeoutMs?: number }): Promise<Buffer> {
    return localVirshBytes(await this.target(), args, opts);
  }

  private readonly streams = new StreamCount();
  get openStreams(): number {
    return this.streams.open;
  }

  /** Local sockets and ptys have no connection to lose (virsh to a remote URI reports its own loss). */
  lostWithConnection(): boolean {
    return false;
  }

  async watchEvents(onEvent: (e: DomainEvent) => void, onEnd: (reason: string) => void): Promise<() => void> {
    const child = spawn('virsh', ['-c', await this.target(), 'event', '--all', '--loop'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let stopped = false;
    child.stdout.on('data', eventLineReader(onEvent));
    child.on('error', (err) => onEnd(`virsh event failed: ${err.message}`));
    child.on('close', () => {
      if (!stopped) onEnd(`the event stream from ${this.uri} ended`);
    });
    return () => {
      stopped = true;
      child.kill();
    };
  }
}
