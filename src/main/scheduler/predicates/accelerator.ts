import type { Predicate } from './predicate';

/** When the request requires kvm: the accelerator works on the host. */
export const accelerator: Predicate = {
  name: 'accelerator',
  check(ctx, { view }) {
    if (!ctx.vm.requireKvm || view.kvmUsable === true) return null;
    if (view.kvmUsable === null) return ['unknown whether kvm is usable on the node'];
    return ['kvm is not usable on the node (guests would run under TCG)'];
  },
};
