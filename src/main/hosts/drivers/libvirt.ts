/**
 * A libvirt URI host: domain calls through the native binding (@unraid/libvirt, loaded lazily and optional),
 * pools, volumes and networks through `virsh -c URI` on this workstation. Where the binding cannot load,
 * virsh does everything.
 */
import { spawn } from 'node:child_process';
import { AppError } from '../../../shared/domain/errors';
import {
  collectWithVirsh,
  eventLineReader,
  type DomainEvent,
  type HostDriver,
  type HypervisorFactsCache,
  type PowerAction,
  type RawHostData,
} from '../driver';
import { localVirshRunner, runLocal, spawnLocalVirsh } from '../local-process';
import type { VirshRunner } from '../virsh';
import { sessionVirsh, VirshSessions } from '../virsh-session';
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

const LOCAL_URI = /^[a-z0-9]+:\/\/\/|^[a-z0-9]+\+unix:\/\//i;

export class LibvirtDriver implements HostDriver {
  readonly kind = 'libvirt' as const;
  private readonly run: VirshRunner;
  /** Long-lived virsh processes for commands without input (most of them). */
  private readonly sessions: VirshSessions;
  private readonly transport: ReturnType<typeof sessionVirsh>;
  private hv: Hypervisor | null = null;
  private readonly facts: HypervisorFactsCache = {};

  constructor(
    readonly uri: string,
    private readonly opts: { useBinding?: boolean; log?: (msg: string) => void } = {},
  ) {
    this.run = localVirshRunner(uri);
    this.sessions = new VirshSessions(() => spawnLocalVirsh(uri));
    this.transport = sessionVirsh(this.sessions, this.run);
  }

  /** Whether the hypervisor's files are on this workstation (qemu:///system, test:///…). */
  get isLocal(): boolean {
    return LOCAL_URI.test(this.uri);
  }

  /**
   * Checks that virsh reaches the URI (the interactive virsh that answers stays for the next commands).
   * The native binding is opened later, on first use: loading and connecting it costs ~90 ms that a
   * creation or a one-shot command does not need.
   */
  connect(): Promise<void> {
    if (this.virshChecked) return Promise.resolve();
    // Callers at the same time share one check.
    this.checking ??= this.virsh(['uri'], { timeoutMs: 30_000 })
      .then(
        () => {
          this.virshChecked = true;
        },
        (err: AppError) => {
          throw new AppError(
            'HOST_ERROR',
            `Cannot connect to ${this.uri}: ${err.message.replace(/^virsh uri: /, '')}`,
          );
        },
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
      const hv = new binding.Hypervisor({ uri: this.uri });
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

  async collect(): Promise<RawHostData> {
    const hv = await this.binding();
    return collectWithVirsh(
      (c, o) => this.virshBatch(c, o),
      this.facts,
      hv ? () => this.bindingDomains(hv) : undefined,
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

  async watchEvents(onEvent: (e: DomainEvent) => void, onEnd: (reason: string) => void): Promise<() => void> {
    const child = spawn('virsh', ['-c', this.uri, 'event', '--all', '--loop'], {
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
