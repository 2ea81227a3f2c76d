import type { Predicate } from './predicate';

const UNKNOWN = Object.freeze(['unknown whether kvm is usable on the node']);
const UNUSABLE = Object.freeze(['kvm is not usable on the node (guests would run under TCG)']);
const POLICY_KVM = Object.freeze([
  "the host's accelerator policy is KVM, but kvm is not usable on the node (set the policy to automatic or TCG)",
]);
const POLICY_TCG = Object.freeze(["the host's accelerator policy is TCG, so its guests never run under kvm"]);

/**
 * When the request requires kvm: the accelerator works on the host and its policy is not TCG. A host whose
 * policy is KVM takes no VM while kvm is not usable on it.
 */
export const accelerator: Predicate = {
  name: 'accelerator',
  check(ctx, { view }) {
    const policy = view.acceleratorPolicy;
    if (policy === 'kvm' && view.kvmUsable === false) return POLICY_KVM;
    if (!ctx.vm.requireKvm) return null;
    if (policy === 'tcg') return POLICY_TCG;
    if (view.kvmUsable === true) return null;
    return view.kvmUsable === null ? UNKNOWN : UNUSABLE;
  },
};
