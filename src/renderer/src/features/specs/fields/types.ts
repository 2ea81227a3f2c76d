import type { FormErrors, FormMode, SpecDraft } from '../draft';

/** What every group of fields in the spec form receives. */
export interface FieldsProps {
  readonly draft: SpecDraft;
  readonly errors: FormErrors;
  readonly mode: FormMode;
  readonly update: (patch: Partial<SpecDraft>) => void;
  /** Prefix of the fields' ids and test ids ("spec" unless another form reuses the fields). */
  readonly idPrefix?: string;
}

export const validated = (error: string | undefined) => (error === undefined ? 'default' : 'error');
