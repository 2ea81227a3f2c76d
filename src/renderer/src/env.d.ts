import type { QhciBridge } from '../../shared/ipc/transport';

declare global {
  interface Window {
    /** Set by preload (Electron) or by the e2e test bridge; see src/preload/index.ts. */
    readonly qhci?: QhciBridge;
  }
}

export {};
