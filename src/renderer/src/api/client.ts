/** The typed client over `window.qhci`, the bridge preload (or the e2e test bridge) puts in the page. */
import { AppError } from '../../../shared/domain/errors';
import type { QhciBridge } from '../../../shared/ipc/transport';
import { createClient, type QhciClient } from '../../../shared/ipc/transport';

const missing = (): never => {
  throw new AppError('INTERNAL', 'The QHCI bridge is not available: the window was not opened by QHCI.');
};

/** Looks the bridge up on each call, so a page loaded before the bridge still works once it appears. */
const lazyBridge: QhciBridge = {
  invoke: (channel, input) => (window.qhci ?? missing()).invoke(channel, input),
  on: (event, listener) => (window.qhci ?? missing()).on(event, listener),
};

export const qhci: QhciClient = createClient(lazyBridge);
