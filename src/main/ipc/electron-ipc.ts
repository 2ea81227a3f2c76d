/** The Electron transport: one invoke channel, one event channel, every message checked for its sender. */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { Result } from '../../shared/domain/errors';
import { IPC_EVENT, IPC_INVOKE } from '../../shared/ipc/channels';
import type { DispatchTarget } from './dispatch';
import { isTrustedSender, type TrustPolicy } from './sender';

export interface IpcWiring {
  attach(contents: WebContents): void;
  dispose(): void;
}

export function wireIpc(app: DispatchTarget, appUrl: string, log: (msg: string) => void): IpcWiring {
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
    return app.dispatch(channel, input);
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
      contents.once('destroyed', () => {
        trusted.delete(contents.id);
        attached.delete(contents.id);
      });
    },
    dispose() {
      unsubscribe();
      ipcMain.removeHandler(IPC_INVOKE);
    },
  };
}
