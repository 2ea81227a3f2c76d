/**
 * The page side of the test bridge: defines `window.qhci` the way src/preload/index.ts does (same
 * channel and event checks, listeners kept in the page), with `invoke` going to the `__qhciInvoke`
 * binding instead of ipcRenderer. Runs in the page as an init script, so it must be self-contained.
 */

export const INVOKE_BINDING = '__qhciInvoke';
export const EMIT_FUNCTION = '__qhciEmit';

export interface BridgeArgs {
  readonly channels: readonly string[];
  readonly events: readonly string[];
  readonly invokeBinding: string;
  readonly emitFunction: string;
}

type Listener = (payload: unknown) => void;

export function installBridge(args: BridgeArgs): void {
  const page = globalThis as unknown as Record<string, unknown>;
  const listeners = new Map<string, Set<Listener>>();
  const isChannel = (v: unknown): v is string => typeof v === 'string' && args.channels.includes(v);
  const isEvent = (v: unknown): v is string => typeof v === 'string' && args.events.includes(v);

  // What ipcRenderer.on(IPC_EVENT) does in preload: fan a push event out to the page's listeners.
  Object.defineProperty(page, args.emitFunction, {
    value: (name: unknown, payload: unknown) => {
      if (!isEvent(name)) return;
      for (const listener of listeners.get(name) ?? []) listener(payload);
    },
  });

  const bridge = {
    invoke(channel: unknown, input: unknown): Promise<unknown> {
      if (!isChannel(channel)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'VALIDATION', message: `Unknown channel "${String(channel).slice(0, 60)}"` },
        });
      }
      const invoke = page[args.invokeBinding] as (c: string, i: unknown) => Promise<unknown>;
      return invoke(channel, input);
    },
    on(event: unknown, listener: unknown): () => void {
      if (!isEvent(event) || typeof listener !== 'function') return () => undefined;
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(listener as Listener);
      listeners.set(event, set);
      return () => void set.delete(listener as Listener);
    },
  };
  Object.defineProperty(page, 'qhci', { value: Object.freeze(bridge), enumerable: true });
}

export const STREAM_UP_BINDING = '__qhciStreamUp';
export const STREAM_OPEN_FUNCTION = '__qhciStreamOpen';
export const STREAM_DOWN_FUNCTION = '__qhciStreamDown';

/** A stream message as it crosses Playwright's JSON boundary: bytes as base64. */
export type RelayedMessage = { readonly t: string; readonly b64?: string; readonly [k: string]: unknown };

export interface StreamBridgeArgs {
  readonly tag: string;
  readonly upBinding: string;
  readonly openFunction: string;
  readonly downFunction: string;
}

/**
 * The page side of the test bridge's console streams. Where preload re-posts the MessagePort main sent, this
 * makes a real MessageChannel in the page, posts one end to the window the same way (tagged with the
 * session), and relays the other end's messages to and from the test process. The page's code is the
 * product's: it sees a genuine MessagePort either way.
 */
export function installStreamBridge(args: StreamBridgeArgs): void {
  // Structural types: this file is also typechecked without the DOM library.
  interface PagePort {
    onmessage: ((e: { data: unknown }) => void) | null;
    postMessage(m: unknown, transfer?: unknown[]): void;
    close(): void;
  }
  const page = globalThis as unknown as Record<string, unknown> & {
    postMessage(m: unknown, origin: string, transfer: unknown[]): void;
  };
  const Channel = (
    globalThis as unknown as { MessageChannel: new () => { port1: PagePort; port2: PagePort } }
  ).MessageChannel;
  const ports = new Map<string, PagePort>();
  const toB64 = (buf: ArrayBuffer): string => {
    const bytes = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(s);
  };
  const fromB64 = (b64: string): ArrayBuffer => {
    const s = atob(b64);
    const bytes = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return bytes.buffer;
  };
  Object.defineProperty(page, args.openFunction, {
    value: (sessionId: string) => {
      const channel = new Channel();
      ports.set(sessionId, channel.port1);
      channel.port1.onmessage = (e) => {
        const m = e.data as { t: string; b?: ArrayBuffer };
        const relayed = m.b instanceof ArrayBuffer ? { ...m, b: undefined, b64: toB64(m.b) } : m;
        const up = page[args.upBinding] as (id: string, msg: unknown) => Promise<void>;
        void up(sessionId, relayed);
      };
      page.postMessage({ [args.tag]: sessionId }, '*', [channel.port2]);
    },
  });
  Object.defineProperty(page, args.downFunction, {
    value: (sessionId: string, m: RelayedMessage) => {
      const port = ports.get(sessionId);
      if (!port) return;
      if (typeof m.b64 === 'string') {
        const b = fromB64(m.b64);
        port.postMessage({ t: m.t, b }, [b]);
      } else port.postMessage(m);
      if (m.t === 'end') {
        ports.delete(sessionId);
        port.close();
      }
    },
  });
}
