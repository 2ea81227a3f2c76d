/** How this workstation protects a host's password or passphrase (app.info's secretStorage). */
import { FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core';
import type { AppInfo } from '../../../../shared/ipc/contract';
import { useQhciQuery } from '../../api/hooks';

const SAID: Record<
  AppInfo['secretStorage'],
  { readonly text: string; readonly variant: 'default' | 'warning' }
> = {
  keychain: { text: 'Protected by the OS keychain (shared with the qhci command).', variant: 'default' },
  'encrypted-file': {
    text: 'No OS keychain for qhci: kept in a file encrypted by this app (secrets.bin).',
    variant: 'warning',
  },
  'plain-file': {
    text: 'No OS keychain: kept unencrypted in secrets.json (mode 0600) in the data directory.',
    variant: 'warning',
  },
  memory: { text: 'Kept in memory only, until the app closes.', variant: 'warning' },
};

export function SecretStorageNote() {
  const info = useQhciQuery('app.info', {});
  if (!info.data) return null;
  const said = SAID[info.data.secretStorage];
  return (
    <FormHelperText>
      <HelperText>
        <HelperTextItem variant={said.variant} data-testid="host-secret-storage">
          {said.text}
        </HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}
