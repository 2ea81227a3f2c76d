import { PASS, type Predicate } from './predicate';

/** The firmware the VM needs is there: OVMF for UEFI, swtpm for TPM. */
export const firmware: Predicate = {
  name: 'firmware',
  check(ctx, { host }) {
    const { uefi, tpm } = ctx.request.firmware;
    const uefiOk = !uefi || host.uefiAvailable === true;
    const tpmOk = !tpm || host.tpmAvailable === true;
    if (uefiOk && tpmOk) return PASS;
    const reasons: string[] = [];
    if (!uefiOk) {
      reasons.push(
        host.uefiAvailable === null
          ? 'unknown UEFI firmware (OVMF) availability on the node'
          : 'UEFI firmware (OVMF) is not available on the node',
      );
    }
    if (!tpmOk) {
      reasons.push(
        host.tpmAvailable === null
          ? 'unknown TPM emulator (swtpm) availability on the node'
          : 'TPM emulator (swtpm) is not available on the node',
      );
    }
    return reasons;
  },
};
