import { reason } from '../context';
import type { Predicate } from './predicate';

const crowded = (group: string) => `Node already runs a member of anti-affinity group ${group}`;
const elsewhere = (group: string, hosts: string) => `Affinity group ${group} runs on other nodes (${hosts})`;

/**
 * Anti-affinity: no two members of the group on one host. Affinity: once a member runs (or is reserved)
 * somewhere, the others follow it there. Members include reservations and this request's earlier VMs.
 */
export const group: Predicate = {
  name: 'group',
  check(ctx, { view, load }) {
    const g = ctx.vm.group;
    if (!g) return null;
    if (g.mode === 'anti-affinity') {
      const members = (view.groups.get(g.name) ?? 0) + (load.vms === 0 ? 0 : (load.groups.get(g.name) ?? 0));
      return members === 0 ? null : reason(ctx, crowded, g.name);
    }
    if (ctx.affinityHosts.size === 0 || ctx.affinityHosts.has(view.id)) return null;
    return reason(ctx, elsewhere, g.name, ctx.affinityHostNames);
  },
};
