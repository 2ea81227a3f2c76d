/**
 * Exposes exactly one object, window.qhci: invoke(channel, input) for the contract's channels and
 * on(event, listener) for its push events. No raw ipcRenderer reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE, isChannelName, isEventName, type EventName } from '../shared/ipc/channels';

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

ipcRenderer.on(IPC_EVENT, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

contextBridge.exposeInMainWorld('qhci', {
  invoke(channel: unknown, input: unknown) {
    if (!isChannelName(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'VALIDATION', message: `Unknown channel "${String(channel).slice(0, 60)}"` },
      });
    }
    return ipcRenderer.invoke(IPC_INVOKE, channel, input);
  },
  on(event: unknown, listener: unknown) {
    if (!isEventName(event) || typeof listener !== 'function') return () => undefined;
    const set = listeners.get(event) ?? new Set();
    set.add(listener as (payload: unknown) => void);
    listeners.set(event, set);
    return () => set.delete(listener as (payload: unknown) => void);
  },
});
