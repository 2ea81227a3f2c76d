/**
 * A workstation file, chosen in main's own file dialog (files.pick). The window never sees or sends the
 * path: it holds the token main returned and shows the file's name.
 */
import { Button, InputGroup, InputGroupItem, TextInput } from '@patternfly/react-core';
import { useState } from 'react';
import type { FilePurpose, PickedFile } from '../../../shared/domain/files';
import { qhci } from '../api/client';
import { toAppError } from './errors';

export type ChosenFile = NonNullable<PickedFile>;

export function FileChooser(props: {
  readonly id: string;
  readonly purpose: FilePurpose;
  readonly value: ChosenFile | null;
  readonly onChange: (file: ChosenFile | null) => void;
  /** Shown while nothing is chosen. */
  readonly placeholder: string;
  readonly validated?: 'error' | 'default';
  readonly testId: string;
  /** The dialog's own failure (not a file of the right kind, no dialog here). */
  readonly onError: (message: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const choose = async () => {
    setBusy(true);
    try {
      const picked = await qhci.call('files.pick', { purpose: props.purpose });
      if (picked) props.onChange(picked);
    } catch (err) {
      props.onError(toAppError(err).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <InputGroup>
      <InputGroupItem isFill>
        <TextInput
          id={props.id}
          readOnlyVariant="default"
          value={props.value?.name ?? ''}
          placeholder={props.placeholder}
          validated={props.validated ?? 'default'}
          aria-label={props.value ? `Chosen file: ${props.value.name}` : props.placeholder}
          data-testid={props.testId}
        />
      </InputGroupItem>
      <InputGroupItem>
        <Button
          variant="control"
          onClick={() => void choose()}
          isDisabled={busy}
          data-testid={`${props.testId}-choose`}
        >
          Choose…
        </Button>
      </InputGroupItem>
    </InputGroup>
  );
}
