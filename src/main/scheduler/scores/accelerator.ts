import type { Score } from './score';

/** 5 when guests run under kvm on the host (it works, and the policy is not TCG): native speed. */
export const acceleratorScore: Score = {
  name: 'accelerator',
  score(_ctx, { view }) {
    return view.kvmUsable === true && view.acceleratorPolicy !== 'tcg' ? 5 : 0;
  },
};
