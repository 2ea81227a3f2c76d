import { FormGroup, FormHelperText, HelperText, HelperTextItem, TextArea } from '@patternfly/react-core';
import { splitKeyLines } from '../draft';
import { validated, type FieldsProps } from './types';

/** Public keys, one per line; each bad key's error names its line. */
export function SshKeysField({ draft, errors, update, idPrefix = 'spec' }: FieldsProps) {
  const lines = splitKeyLines(draft.sshKeys);
  const keyErrors = lines.flatMap((k, i) => {
    const message = errors[`sshKeys.${i}`];
    return message === undefined ? [] : [{ i, line: k.line, message }];
  });
  const listError = errors.sshKeys;
  const hasError = keyErrors.length > 0 || listError !== undefined;
  return (
    <FormGroup label="SSH public keys" fieldId={`${idPrefix}-ssh-keys`}>
      <TextArea
        id={`${idPrefix}-ssh-keys`}
        data-testid={`${idPrefix}-ssh-keys`}
        value={draft.sshKeys}
        onChange={(_e, sshKeys) => update({ sshKeys })}
        validated={validated(hasError ? 'error' : undefined)}
        aria-describedby={`${idPrefix}-ssh-keys-help`}
        rows={3}
        resizeOrientation="vertical"
        className="qhci-mono-textarea"
        spellCheck={false}
        placeholder="ssh-ed25519 AAAA... user@host"
      />
      <FormHelperText>
        <HelperText id={`${idPrefix}-ssh-keys-help`} isLiveRegion>
          {listError !== undefined && (
            <HelperTextItem variant="error" data-testid={`${idPrefix}-ssh-keys-error`}>
              {listError}
            </HelperTextItem>
          )}
          {keyErrors.map((e) => (
            <HelperTextItem key={e.i} variant="error" data-testid={`${idPrefix}-ssh-key-error-${e.i}`}>
              Key {e.i + 1} (line {e.line}): {e.message}
            </HelperTextItem>
          ))}
          {!hasError && (
            <HelperTextItem>
              One key per line ({lines.length === 1 ? '1 key' : `${lines.length} keys`}): ed25519, ecdsa or
              rsa (2048 bits or more).
            </HelperTextItem>
          )}
        </HelperText>
      </FormHelperText>
    </FormGroup>
  );
}
