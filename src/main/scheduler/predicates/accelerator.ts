import type { Predicate } from './predicate';

const UNKNOWN = Object.freeze(['unknown whether kvm is usable on the node']);
const UNUSABLE = Object.freeze(['kvm is not usable on the node (guests would run under TCG)']);
const POLICY = Object.freeze([
  "the host's accelerator policy is KVM, but kvm is not usable on the node (set the policy to automatic or TCG)",
]);

/**
 * When the request requires kvm: the accelerator works on the host (and its policy does not say TCG). A host
 * whose policy is KVM takes no VM while kvm is not usable on it.
 */
export const accelerator: Predicate = {
  name: 'accelerator',
  check(ctx, { view }) {
    if (view.kvmRequired && view.kvmUsable === false) return POLICY;
    if (!ctx.vm.requireKvm || view.kvmUsable === true) return null;
    return view.kvmUsable === null ? UNKNOWN : UNUSABLE;
  },
};
