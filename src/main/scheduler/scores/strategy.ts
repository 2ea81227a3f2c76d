import { assertNever } from '../../../shared/domain/errors';
import { freeFractionsAfter, type Score } from './score';

/**
 * The configurable strategy, 0-10, from the free fractions of CPU and memory after the VM lands:
 * - spread: half for having the fewest VMs (against the busiest host), half for the most free capacity;
 * - pack: the fuller the host ends up, the better (fill hosts before starting new ones);
 * - balance: the scarcer of CPU and memory decides, so neither runs out first.
 */
export const strategy: Score = {
  name: 'strategy',
  score(ctx, c) {
    const free = freeFractionsAfter(ctx, c);
    const s = ctx.request.strategy;
    switch (s) {
      case 'spread': {
        const vms = c.view.vmCount + c.load.vms;
        const fewest = ctx.maxVms === 0 ? 1 : 1 - vms / ctx.maxVms;
        return 5 * fewest + 5 * ((free.cpu + free.memory) / 2);
      }
      case 'pack':
        return 10 * (1 - (free.cpu + free.memory) / 2);
      case 'balance':
        return 10 * Math.min(free.cpu, free.memory);
      default:
        return assertNever(s, 'strategy');
    }
  },
};
