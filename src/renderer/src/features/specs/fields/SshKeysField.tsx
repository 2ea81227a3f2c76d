import { FormGroup, FormHelperText, HelperText, HelperTextItem, TextArea } from '@patternfly/react-core';
import { splitKeyLines } from '../draft';
import { validated, type FieldsProps } from './types';

/** Public keys, one per line; each bad key's error names its line. */
export function SshKeysField({ draft, errors, update }: FieldsProps) {
  const lines = splitKeyLines(draft.sshKeys);
  const keyErrors = lines.flatMap((k, i) => {
    const message = errors[`sshKeys.${i}`];
    return message === undefined ? [] : [{ i, line: k.line, message }];
  });
  const listError = errors.sshKeys;
  const hasError = keyErrors.length > 0 || listError !== undefined;
  return (
    <FormGroup label="SSH public keys" fieldId="spec-ssh-keys">
      <TextArea
        id="spec-ssh-keys"
        data-testid="spec-ssh-keys"
        value={draft.sshKeys}
        onChange={(_e, sshKeys) => update({ sshKeys })}
        validated={validated(hasError ? 'error' : undefined)}
        aria-describedby="spec-ssh-keys-help"
        rows={3}
        resizeOrientation="vertical"
        className="qhci-mono-textarea"
        spellCheck={false}
        placeholder="ssh-ed25519 AAAA... user@host"
      />
      <FormHelperText>
        <HelperText id="spec-ssh-keys-help" isLiveRegion>
          {listError !== undefined && (
            <HelperTextItem variant="error" data-testid="spec-ssh-keys-error">
              {listError}
            </HelperTextItem>
          )}
          {keyErrors.map((e) => (
            <HelperTextItem key={e.i} variant="error" data-testid={`spec-ssh-key-error-${e.i}`}>
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
