import type { Score } from './score';

/** 5 when kvm works on the host: guests there run at native speed, not under TCG. */
export const acceleratorScore: Score = {
  name: 'accelerator',
  score(_ctx, { view }) {
    return view.kvmUsable === true ? 5 : 0;
  },
};
