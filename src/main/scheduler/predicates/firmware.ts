import type { Predicate } from './predicate';

/** The firmware the VM needs is there: OVMF for UEFI, swtpm for TPM. */
export const firmware: Predicate = {
  name: 'firmware',
  check(ctx, { view }) {
    const { uefi, tpm } = ctx.vm;
    const uefiOk = !uefi || view.uefiAvailable === true;
    const tpmOk = !tpm || view.tpmAvailable === true;
    if (uefiOk && tpmOk) return null;
    const reasons: string[] = [];
    if (!uefiOk) {
      reasons.push(
        view.uefiAvailable === null
          ? 'unknown UEFI firmware (OVMF) availability on the node'
          : 'UEFI firmware (OVMF) is not available on the node',
      );
    }
    if (!tpmOk) {
      reasons.push(
        view.tpmAvailable === null
          ? 'unknown TPM emulator (swtpm) availability on the node'
          : 'TPM emulator (swtpm) is not available on the node',
      );
    }
    return reasons;
  },
};
