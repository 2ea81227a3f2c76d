/** Turning whatever a call threw into something a form can show. */
import { AppError, isAppErrorData } from '../../../shared/domain/errors';

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isAppErrorData(err)) return AppError.fromData(err);
  return new AppError('INTERNAL', err instanceof Error ? err.message : String(err));
}

/**
 * The message to show under the field an error names. Main's validation messages start with the field's
 * path ("name: Name may not contain ..."), which is redundant next to the field itself.
 */
export function fieldMessage(err: AppError): string {
  const prefix = err.field === undefined ? '' : `${err.field}: `;
  return prefix !== '' && err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}
