/**
 * Starting a domain with the CPU fallback: when a start fails because the host refused the guest CPU (KVM
 * aborting on an MSR, libvirt's CPU check), the domain is redefined with the next variant and started
 * again. Anything else that stops a start is the caller's failure, as before.
 */
import { AppError } from '../../../shared/domain/errors';
import { describeCpuVariant, type CpuVariant } from '../../../shared/domain/cpu';
import {
  cpuFailureMessage,
  cpuRefusal,
  kvmLimitation,
  kvmLimitationMessage,
  type RefusedAttempt,
} from '../../virt/cpu-refusal';

export interface CpuStartPort {
  define(xml: string): Promise<void>;
  start(uuid: string): Promise<void>;
}

export interface CpuStartRequest {
  readonly uuid: string;
  readonly hostName: string;
  /** In order; the domain is already defined with the first. */
  readonly attempts: readonly CpuVariant[];
  readonly explicit: boolean;
  /** The domain runs under KVM: a failure KVM cannot get past (SMM, Hyper-V) names TCG as the way out. */
  readonly underKvm: boolean;
  readonly xmlFor: (variant: CpuVariant) => string;
  /** The first start, when the caller already sent it (it overlaps other work with it). */
  readonly firstStart?: Promise<void>;
  /** Told before each retry: what was refused, what comes next. */
  readonly onRetry?: (refused: RefusedAttempt, next: CpuVariant) => void;
}

export interface CpuStartResult {
  readonly started: CpuVariant;
  readonly refused: readonly RefusedAttempt[];
}

/** The field a CPU failure names: the request's CPU mode. */
export const CPU_FIELD = 'compute.cpuMode';
/** The field a KVM limitation names: the request's accelerator. */
export const ACCEL_FIELD = 'compute.accelerator';

export async function startWithCpuFallback(
  port: CpuStartPort,
  req: CpuStartRequest,
): Promise<CpuStartResult> {
  if (req.attempts.length === 0) throw new Error('No CPU variant to start with');
  const refused: RefusedAttempt[] = [];
  for (const [i, variant] of req.attempts.entries()) {
    try {
      if (i > 0) await port.define(req.xmlFor(variant));
      await (i === 0 && req.firstStart ? req.firstStart : port.start(req.uuid));
      return { started: variant, refused };
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      const limit = req.underKvm ? kvmLimitation(text) : null;
      if (limit !== null)
        throw new AppError('HOST_ERROR', kvmLimitationMessage(req.hostName, limit), ACCEL_FIELD);
      const reason = cpuRefusal(text);
      if (reason === null) {
        if (refused.length === 0) throw err;
        // A later variant failed for another reason: say what came before it too.
        const before = refused.map((r) => `${describeCpuVariant(r.variant)} (${r.reason})`).join('; ');
        throw new AppError(
          'HOST_ERROR',
          `${(err as Error).message} (with ${describeCpuVariant(variant)}, after the host refused ${before})`,
        );
      }
      refused.push({ variant, reason });
      const next = req.attempts[i + 1];
      if (req.explicit || next === undefined) {
        throw new AppError('HOST_ERROR', cpuFailureMessage(req.hostName, refused, req.explicit), CPU_FIELD);
      }
      req.onRetry?.(refused[refused.length - 1]!, next);
    }
  }
  throw new Error('unreachable');
}
