import type { Score } from './score';

/** 5 when the boot image is on the host already: no upload. */
export const imagePresentScore: Score = {
  name: 'imagePresent',
  score(ctx, { uploadImage }) {
    return ctx.vm.image !== null && !uploadImage ? 5 : 0;
  },
};
