/**
 * The only error shape that crosses a process boundary (IPC, CLI output, test bridge).
 * Services throw AppError; everything else is turned into INTERNAL by the dispatcher.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'HOST_ERROR',
  'HOST_KEY_UNKNOWN',
  'HOST_KEY_CHANGED',
  'UNSUPPORTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppErrorData {
  readonly code: ErrorCode;
  readonly message: string;
  /** Dotted path of the offending input field, when one field is to blame. */
  readonly field?: string;
}

export class AppError extends Error implements AppErrorData {
  readonly code: ErrorCode;
  readonly field?: string;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    if (field !== undefined) this.field = field;
  }

  toData(): AppErrorData {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }

  static fromData(data: AppErrorData): AppError {
    return new AppError(data.code, data.message, data.field);
  }
}

export function isAppErrorData(value: unknown): value is AppErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(v.code) &&
    typeof v.message === 'string' &&
    (v.field === undefined || typeof v.field === 'string')
  );
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

export function assertNever(value: never, what = 'value'): never {
  throw new AppError('INTERNAL', `Unexpected ${what}: ${String(value)}`);
}
