/**
 * Opening and closing a console session: `consoles.open` names the session, and its port arrives on the
 * window (stream-port.ts) before or after that answer. Both are needed before bytes can flow.
 */
import type { ConsoleKind, ConsoleOpened } from '../../../../shared/domain/console';
import type { VmState } from '../../../../shared/domain/vm';
import type { StreamEndReason } from '../../../../shared/ipc/streams';
import { qhci } from '../../api/client';
import { streamPorts } from './stream-port';

export interface OpenedConsole {
  readonly opened: ConsoleOpened;
  readonly port: MessagePort;
}

export async function openConsole(input: {
  vmId: string;
  kind: ConsoleKind;
  cols?: number;
  rows?: number;
}): Promise<OpenedConsole> {
  const opened = await qhci.call('consoles.open', input);
  try {
    return { opened, port: await streamPorts.claim(opened.sessionId) };
  } catch (err) {
    closeConsole(opened.sessionId);
    throw err;
  }
}

/** Tells main the page is done with a session; one that ended already is nothing to close. */
export function closeConsole(sessionId: string): void {
  qhci.call('consoles.close', { sessionId }).catch(() => undefined);
}

/** States in which QEMU runs, and so has a display and a serial console to attach to. */
export function hasConsole(state: VmState): boolean {
  return state === 'running' || state === 'paused' || state === 'pmsuspended' || state === 'unknown';
}

/** What a console shows. */
export type ConsoleView =
  | { readonly s: 'connecting' }
  | { readonly s: 'connected' }
  | { readonly s: 'password'; readonly username: boolean }
  | { readonly s: 'ended'; readonly reason: StreamEndReason; readonly message: string }
  | { readonly s: 'failed'; readonly message: string }
  /** The user left a serial console with Ctrl+]. */
  | { readonly s: 'left' };

export const END_TITLE: Record<StreamEndReason, string> = {
  'vm-stopped': 'The VM stopped',
  'taken-over': 'Another session took over the console',
  'host-lost': 'The connection to the host was lost',
  closed: 'The console was closed',
  error: 'The console failed',
};
