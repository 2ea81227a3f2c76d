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
