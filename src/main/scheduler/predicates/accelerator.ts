import type { Predicate } from './predicate';

const UNKNOWN = Object.freeze(['unknown whether kvm is usable on the node']);
const UNUSABLE = Object.freeze(['kvm is not usable on the node (guests would run under TCG)']);

/** When the request requires kvm: the accelerator works on the host. */
export const accelerator: Predicate = {
  name: 'accelerator',
  check(ctx, { view }) {
    if (!ctx.vm.requireKvm || view.kvmUsable === true) return null;
    return view.kvmUsable === null ? UNKNOWN : UNUSABLE;
  },
};
