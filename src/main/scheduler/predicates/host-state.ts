import { joinReasons } from '../context';
import type { Predicate } from './predicate';

const NOT_CONNECTED = Object.freeze(['Node is not connected']);
const STALE = Object.freeze(['Node is stale (its last sync failed)']);
const MAINTENANCE = Object.freeze(['Node is in maintenance']);

/** The host is connected, its inventory is current, and it is not in maintenance. */
export const hostState: Predicate = {
  name: 'host-state',
  check(_ctx, { view }) {
    let reasons: readonly string[] | null = null;
    if (!view.connected) reasons = NOT_CONNECTED;
    if (view.stale) reasons = joinReasons(reasons, STALE);
    if (view.maintenance) reasons = joinReasons(reasons, MAINTENANCE);
    return reasons;
  },
};
