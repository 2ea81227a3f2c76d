/**
 * The desktop app's secret store: the same OS keychain store as the `qhci` tool (hosts/keychain-secrets.ts),
 * so each reads what the other stored. Electron's safeStorage is only (a) the cipher of secrets.bin when no
 * keychain answers, and (b) the key to secrets.bin written by earlier versions, moved into the keychain.
 *
 * Electron-only and kept thin on purpose: it cannot run under Node, so the tests cover openSecretStore and
 * nothing here is tested but by typecheck.
 */
import { safeStorage } from 'electron';
import { join } from 'node:path';
import { openSecretStore, secretsMode } from './hosts/keychain-secrets';
import type { SecretStore, ValueCipher } from './hosts/secrets';

function safeStorageCipher(): ValueCipher {
  return {
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
    description: 'encrypted with the operating system keychain (Electron safeStorage)',
  };
}

/**
 * Whether safeStorage really encrypts: on Linux its `basic_text` backend (no keyring found) uses a key built
 * into Chromium, which is no protection, so it counts as "no keychain".
 */
function safeStorageProtects(): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  if (process.platform !== 'linux') return true;
  const backend = safeStorage.getSelectedStorageBackend();
  return backend !== 'basic_text' && backend !== 'unknown';
}

export function appSecretStore(dataDir: string, log: (msg: string) => void): SecretStore {
  const bin = join(dataDir, 'secrets.bin');
  const cipher = safeStorage.isEncryptionAvailable() ? safeStorageCipher() : null;
  return openSecretStore({
    dataDir,
    mode: secretsMode(process.env.QHCI_SECRETS),
    warn: log,
    ...(cipher && safeStorageProtects() ? { encryptedFile: { file: bin, cipher } } : {}),
    // Earlier versions kept the app's secrets here (even with basic_text, which safeStorage still decodes).
    ...(cipher ? { legacyFiles: [{ file: bin, cipher }] } : {}),
  });
}
