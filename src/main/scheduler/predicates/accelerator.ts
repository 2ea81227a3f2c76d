import { PASS, type Predicate } from './predicate';

/** When the request requires kvm: the accelerator works on the host. */
export const accelerator: Predicate = {
  name: 'accelerator',
  check(ctx, { host }) {
    if (!ctx.request.requireKvm || host.kvmUsable === true) return PASS;
    if (host.kvmUsable === null) return ['unknown whether kvm is usable on the node'];
    return ['kvm is not usable on the node (guests would run under TCG)'];
  },
};
