import type { Predicate } from './predicate';

/** The host is connected, its inventory is current, and it is not in maintenance. */
export const hostState: Predicate = {
  name: 'host-state',
  check(_ctx, { view }) {
    if (view.connected && !view.stale && !view.maintenance) return null;
    const reasons: string[] = [];
    if (!view.connected) reasons.push('Node is not connected');
    if (view.stale) reasons.push('Node is stale (its last sync failed)');
    if (view.maintenance) reasons.push('Node is in maintenance');
    return reasons;
  },
};
