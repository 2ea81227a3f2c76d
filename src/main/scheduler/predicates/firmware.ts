import { joinReasons } from '../context';
import type { Predicate } from './predicate';

const UEFI_UNKNOWN = Object.freeze(['unknown UEFI firmware (OVMF) availability on the node']);
const UEFI_MISSING = Object.freeze(['UEFI firmware (OVMF) is not available on the node']);
const TPM_UNKNOWN = Object.freeze(['unknown TPM emulator (swtpm) availability on the node']);
const TPM_MISSING = Object.freeze(['TPM emulator (swtpm) is not available on the node']);

/** The firmware the VM needs is there: OVMF for UEFI, swtpm for TPM. */
export const firmware: Predicate = {
  name: 'firmware',
  check(ctx, { view }) {
    const { uefi, tpm } = ctx.vm;
    let reasons: readonly string[] | null = null;
    if (uefi && view.uefiAvailable !== true)
      reasons = view.uefiAvailable === null ? UEFI_UNKNOWN : UEFI_MISSING;
    if (tpm && view.tpmAvailable !== true) {
      reasons = joinReasons(reasons, view.tpmAvailable === null ? TPM_UNKNOWN : TPM_MISSING);
    }
    return reasons;
  },
};
