/** The in-process transport: the same Result-shaped bridge preload gives the renderer, for the CLI and tests. */
import type { QhciBridge } from '../../shared/ipc/transport';
import type { DispatchTarget } from './dispatch';

export function inProcessBridge(app: DispatchTarget): QhciBridge {
  return {
    // Inputs are cloned as IPC would clone them, so callers never share objects with main.
    async invoke(channel, input) {
      let copy: unknown;
      try {
        copy = structuredClone(input);
      } catch {
        return {
          ok: false,
          error: { code: 'VALIDATION', message: 'The input cannot be sent (it is not plain data)' },
        };
      }
      return app.dispatch(channel, copy);
    },
    on(event, listener) {
      return app.subscribe((name, payload) => {
        if (name === event) listener(structuredClone(payload));
      });
    },
  };
}
