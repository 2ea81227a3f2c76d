/** The Electron transport: one invoke channel, one event channel, every message checked for its sender. */
import {
  ipcMain,
  MessageChannelMain,
  type IpcMainInvokeEvent,
  type MessagePortMain,
  type WebContents,
} from 'electron';
import type { Result } from '../../shared/domain/errors';
import { IPC_EVENT, IPC_INVOKE } from '../../shared/ipc/channels';
import { STREAM_PORT_CHANNEL } from '../../shared/ipc/streams';
import type { PortEnd } from '../consoles/port-pump';
import type { DispatchTarget } from './dispatch';
import { isTrustedSender, type TrustPolicy } from './sender';

export interface IpcWiring {
  attach(contents: WebContents): void;
  dispose(): void;
}

/** Where console streams are attached to the ports this transport hands its windows. */
export interface StreamHost {
  attach(sessionId: string, port: PortEnd, owner: string | null): void;
  closeOwner(owner: string): void;
}

/** Electron's MessagePortMain as a PortEnd (it clones what it posts: it cannot transfer ArrayBuffers). */
function electronPortEnd(port: MessagePortMain): PortEnd {
  port.start();
  return {
    post: (msg) => port.postMessage(msg),
    onMessage: (listener) => void port.on('message', (e) => listener(e.data)),
    onClose: (listener) => void port.once('close', listener),
    close: () => port.close(),
  };
}

/**
 * After consoles.open succeeded for a window: a MessageChannel whose one end main pumps the console into,
 * and whose other end goes to that window only (preload passes it on to the page).
 */
function handOverStream(streams: StreamHost, contents: WebContents, value: unknown): void {
  const sessionId = (value as { sessionId: string }).sessionId;
  const { port1, port2 } = new MessageChannelMain();
  streams.attach(sessionId, electronPortEnd(port1), `window:${contents.id}`);
  contents.postMessage(STREAM_PORT_CHANNEL, { sessionId }, [port2]);
}

export function wireIpc(
  app: DispatchTarget,
  appUrl: string,
  log: (msg: string) => void,
  streams: StreamHost | null = null,
): IpcWiring {
  const trusted = new Set<number>();
  const attached = new Map<number, WebContents>();
  const policy: TrustPolicy = { trustedWebContents: trusted, appUrl };

  const check = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return isTrustedSender(
      {
        webContentsId: event.sender.id,
        frameUrl: frame ? frame.url : null,
        isMainFrame: frame !== null && frame === event.sender.mainFrame,
      },
      policy,
    );
  };

  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, input: unknown): Promise<Result<unknown>> => {
    if (!check(event)) {
      log(
        `Refused IPC "${String(channel).slice(0, 60)}" from an untrusted frame (${event.senderFrame?.url ?? 'gone'})`,
      );
      return { ok: false, error: { code: 'FORBIDDEN', message: 'This frame may not call QHCI' } };
    }
    const result = await app.dispatch(channel, input);
    if (streams && channel === 'consoles.open' && result.ok)
      handOverStream(streams, event.sender, result.value);
    return result;
  });

  const unsubscribe = app.subscribe((name, payload) => {
    for (const contents of attached.values()) {
      if (!contents.isDestroyed()) contents.mainFrame.send(IPC_EVENT, name, payload);
    }
  });

  return {
    attach(contents) {
      trusted.add(contents.id);
      attached.set(contents.id, contents);
      const owner = `window:${contents.id}`;
      contents.once('destroyed', () => {
        trusted.delete(contents.id);
        attached.delete(contents.id);
        streams?.closeOwner(owner);
      });
      // A reload starts a new page: the consoles the old one held are closed with it.
      contents.on('did-start-navigation', (details) => {
        if (details.isMainFrame && !details.isSameDocument) streams?.closeOwner(owner);
      });
    },
    dispose() {
      unsubscribe();
      ipcMain.removeHandler(IPC_INVOKE);
    },
  };
}
