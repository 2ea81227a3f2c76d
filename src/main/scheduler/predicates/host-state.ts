import { PASS, type Predicate } from './predicate';

/** The host is connected, its inventory is current, and it is not in maintenance. */
export const hostState: Predicate = {
  name: 'host-state',
  check(_ctx, { host }) {
    if (host.connected && !host.stale && !host.maintenance) return PASS;
    const reasons: string[] = [];
    if (!host.connected) reasons.push('Node is not connected');
    if (host.stale) reasons.push('Node is stale (its last sync failed)');
    if (host.maintenance) reasons.push('Node is in maintenance');
    return reasons;
  },
};
