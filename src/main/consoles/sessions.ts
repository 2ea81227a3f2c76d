/**
 * The open consoles of this process. `open` connects to the VM's display or serial console on its host and
 * keeps the stream until a transport attaches a port to it (the window's MessagePort, the CLI's terminal);
 * then bytes flow until either side closes, the VM stops, or the host connection drops. A stream nobody
 * attaches in time is closed, so a page that asked and vanished leaves nothing open on the host.
 */
import { randomUUID } from 'node:crypto';
import type { ConsoleKind, ConsoleOpened, DisplayInfo } from '../../shared/domain/console';
import { AppError } from '../../shared/domain/errors';
import type { HostDriver } from '../hosts/driver';
import type { HostsRepo } from '../inventory/hosts.repo';
import { pump, type PortEnd, type Pump } from './port-pump';
import { vmTarget, type VmTargetDeps } from './vm-target';
import type { ConsoleStream, StreamEnd, TerminalSize } from './types';

export interface ConsoleOpeners {
  display(driver: HostDriver, uuid: string): Promise<{ stream: ConsoleStream; info: DisplayInfo }>;
  serial(driver: HostDriver, uuid: string, size: TerminalSize): Promise<ConsoleStream>;
}

export interface ConsoleDeps extends VmTargetDeps {
  readonly hosts: Pick<HostsRepo, 'get'>;
  readonly openers: ConsoleOpeners;
  /** How long an opened stream waits for its port (default 15 s). */
  readonly attachTimeoutMs?: number;
  /** At most this many consoles at once (default 24): each holds a channel on its host. */
  readonly maxSessions?: number;
}

interface Session {
  readonly id: string;
  readonly kind: ConsoleKind;
  readonly vmId: string;
  readonly cs: ConsoleStream;
  owner: string | null;
  pump: Pump | null;
  timer: NodeJS.Timeout | null;
}

const DEFAULT_SIZE: TerminalSize = { cols: 80, rows: 24 };

export class ConsoleSessions {
  private readonly sessions = new Map<string, Session>();
  private closed = false;

  constructor(private readonly deps: ConsoleDeps) {}

  /** Open consoles (streams opened and not yet ended). */
  count(): number {
    return this.sessions.size;
  }

  async open(input: {
    vmId: string;
    kind: ConsoleKind;
    cols?: number | undefined;
    rows?: number | undefined;
  }): Promise<ConsoleOpened> {
    if (this.closed) throw new AppError('CONFLICT', 'The app is closing');
    const max = this.deps.maxSessions ?? 24;
    if (this.sessions.size >= max)
      throw new AppError('CONFLICT', `${max} consoles are open already: close one first`);
    const { vm, uuid, driver } = await vmTarget(this.deps, input.vmId);
    let display: DisplayInfo | null = null;
    let cs: ConsoleStream;
    if (input.kind === 'vnc') {
      const opened = await this.deps.openers.display(driver, uuid);
      cs = opened.stream;
      display = opened.info;
    } else {
      const size = input.cols && input.rows ? { cols: input.cols, rows: input.rows } : DEFAULT_SIZE;
      cs = await this.deps.openers.serial(driver, uuid, size);
    }
    if (this.closed) {
      cs.close();
      throw new AppError('CONFLICT', 'The app is closing');
    }
    const id = randomUUID();
    const session: Session = { id, kind: input.kind, vmId: vm.id, cs, owner: null, pump: null, timer: null };
    session.timer = setTimeout(() => this.end(id), this.deps.attachTimeoutMs ?? 15_000);
    session.timer.unref();
    this.sessions.set(id, session);
    // A stream that ends before anything attaches (the VM stopped) is forgotten at once.
    cs.stream.once('close', () => {
      if (!session.pump) this.end(id);
    });
    const hostName = this.deps.hosts.get(vm.hostId)?.name ?? vm.hostId;
    return { sessionId: id, kind: input.kind, vmId: vm.id, vmName: vm.name, hostName, display };
  }

  /**
   * Connects a session's stream to a port. `owner` names who holds it (a window), so that everything it
   * held closes with it. A session already attached, or unknown, gets the port closed with the reason.
   */
  attach(sessionId: string, port: PortEnd, owner: string | null = null): void {
    const s = this.sessions.get(sessionId);
    if (!s || s.pump) {
      port.post({ t: 'end', reason: 'error', message: 'This console session is not open' });
      port.close();
      return;
    }
    if (s.timer) clearTimeout(s.timer);
    s.timer = null;
    s.owner = owner;
    s.pump = pump(s.cs, port);
    void s.pump.done.then(() => this.sessions.delete(sessionId));
  }

  resize(sessionId: string, size: TerminalSize): { resized: true } {
    const s = this.get(sessionId);
    if (!s.cs.resize) throw new AppError('VALIDATION', 'Only a serial console has a size', 'sessionId');
    s.cs.resize(size);
    return { resized: true };
  }

  close(sessionId: string): { closed: true } {
    // Closing twice (the page's port closed first) is not an error.
    this.end(sessionId);
    return { closed: true };
  }

  /** Closes every console a window held (it was closed or reloaded). */
  closeOwner(owner: string): void {
    for (const s of [...this.sessions.values()]) if (s.owner === owner) this.end(s.id);
  }

  closeAll(): void {
    this.closed = true;
    for (const id of [...this.sessions.keys()])
      this.end(id, { reason: 'closed', message: 'QHCI is closing' });
  }

  private get(sessionId: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s) throw new AppError('NOT_FOUND', 'This console session is not open', 'sessionId');
    return s;
  }

  private end(sessionId: string, why: StreamEnd = { reason: 'closed', message: 'Closed' }): void {
    const s = this.sessions.get(sessionId);
    if (!s) return;
    this.sessions.delete(sessionId);
    if (s.timer) clearTimeout(s.timer);
    if (s.pump) s.pump.stop(why);
    else s.cs.close();
  }
}
