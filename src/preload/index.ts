/**
 * Exposes exactly one object, window.qhci: invoke(channel, input) for the contract's channels and
 * on(event, listener) for its push events. No raw ipcRenderer reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE, isChannelName, isEventName, type EventName } from '../shared/ipc/channels';
import { STREAM_PORT_CHANNEL, STREAM_PORT_TAG } from '../shared/ipc/streams';

const listeners = new Map<EventName, Set<(payload: unknown) => void>>();

ipcRenderer.on(IPC_EVENT, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

/** The page's window (preload's tsconfig has no DOM library). */
const page = globalThis as unknown as {
  location: { origin: string };
  postMessage(data: unknown, targetOrigin: string, transfer: unknown[]): void;
};

// A console's MessagePort (after consoles.open): ports cannot cross contextBridge, so it goes to the page
// by window.postMessage, tagged with its session. Only this window's own origin receives it.
ipcRenderer.on(STREAM_PORT_CHANNEL, (event: IpcRendererEvent, msg: unknown) => {
  const sessionId = (msg as { sessionId?: unknown } | null)?.sessionId;
  if (typeof sessionId !== 'string' || event.ports.length !== 1) return;
  const origin = page.location.origin;
  page.postMessage({ [STREAM_PORT_TAG]: sessionId }, origin === 'null' ? '*' : origin, [...event.ports]);
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
