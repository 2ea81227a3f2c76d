/** The desktop app's secret store: values encrypted by the OS keychain through Electron's safeStorage. */
import { safeStorage } from 'electron';
import { FileSecretStore, type SecretStore } from './hosts/secrets';

export function safeStorageSecretStore(file: string): SecretStore | null {
  if (!safeStorage.isEncryptionAvailable()) return null;
  return new FileSecretStore(file, {
    encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
    decrypt: (stored) => safeStorage.decryptString(Buffer.from(stored, 'base64')),
    description: 'encrypted with the operating system keychain (Electron safeStorage)',
  });
}
