/**
 * Host secrets in the OS keychain, shared by the desktop app and the `qhci` tool: the Secret Service over
 * D-Bus on Linux (GNOME Keyring, KeePassXC, KWallet's Secret Service), the Keychain on macOS, the Credential
 * Manager on Windows, through @napi-rs/keyring. Each secret is one item: service "qhci", account = its ref
 * (`host:<id>:password`), so `secret-tool search service qhci` lists them.
 *
 * openSecretStore() picks the store once per process, on first use: the keychain when one answers, otherwise
 * a file in the data directory (encrypted when the app can, else plain and mode 0600), announced once. Secrets
 * that an earlier version kept in a file are moved into the keychain then (and removed from the file).
 */
import { Entry, type EntryOptions } from '@napi-rs/keyring';
import { join } from 'node:path';
import { AppError } from '../../shared/domain/errors';
import { FileSecretStore, type SecretStorageKind, type SecretStore, type ValueCipher } from './secrets';

export const KEYCHAIN_SERVICE = 'qhci';

/** Linux: only the Secret Service. The kernel keyring (keyutils) is lost at logout and is not a keychain. */
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

export class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly protection = 'the operating system keychain';

  constructor(readonly service: string = KEYCHAIN_SERVICE) {}

  private entry(ref: string): Entry {
    return new Entry(this.service, ref, ENTRY_OPTIONS);
  }

  get(ref: string): string | undefined {
    try {
      return this.entry(ref).getPassword() ?? undefined;
    } catch (err) {
      throw keychainError('read a secret from', err);
    }
  }

  set(ref: string, value: string): void {
    try {
      this.entry(ref).setPassword(value);
    } catch (err) {
      throw keychainError('store a secret in', err);
    }
  }

  delete(ref: string): void {
    try {
      this.entry(ref).deletePassword();
    } catch (err) {
      throw keychainError('delete a secret from', err);
    }
  }

  /**
   * Whether the keychain can keep a secret right now: null when it can, else why not. It writes and removes
   * one probe item, since a Secret Service can answer reads yet have no collection to write to.
   */
  probe(): string | null {
    try {
      const entry = this.entry('.probe');
      entry.setPassword('probe');
      entry.deletePassword();
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  }
}

function keychainError(what: string, err: unknown): AppError {
  return new AppError('HOST_ERROR', `QHCI could not ${what} the OS keychain: ${(err as Error).message}`);
}

/** How QHCI_SECRETS (or the app's setting) asks secrets to be kept. */
export type SecretsMode = 'auto' | 'keychain' | 'file';

export function secretsMode(value: string | undefined): SecretsMode {
  if (value === undefined || value === '' || value === 'auto') return 'auto';
  if (value === 'keychain' || value === 'file') return value;
  throw new AppError('VALIDATION', `QHCI_SECRETS must be "keychain", "file" or "auto", not "${value}".`);
}

export interface OpenSecretsOptions {
  readonly dataDir: string;
  readonly mode?: SecretsMode;
  /** Said once: which fallback is in use and why (the CLI writes it to stderr, the app to its log). */
  readonly warn: (msg: string) => void;
  /** The app: an encrypted file to use instead of the plain one when there is no keychain. */
  readonly encryptedFile?: { readonly file: string; readonly cipher: ValueCipher };
  /** Files an earlier version kept secrets in, moved into the keychain when it is used (secrets.json always). */
  readonly legacyFiles?: ReadonlyArray<{ readonly file: string; readonly cipher?: ValueCipher }>;
  /** Tests: another keychain (default: the OS keychain, service "qhci"). */
  readonly keychain?: KeychainSecretStore;
}

/** The process's secret store: the keychain when it answers, else the announced file fallback. */
export function openSecretStore(opts: OpenSecretsOptions): SecretStore {
  let chosen: SecretStore | null = null;
  const resolve = (): SecretStore => (chosen ??= choose(opts));
  return {
    get: (ref) => resolve().get(ref),
    set: (ref, value) => resolve().set(ref, value),
    delete: (ref) => resolve().delete(ref),
    get protection() {
      return resolve().protection;
    },
    get kind() {
      return resolve().kind;
    },
  };
}

function choose(opts: OpenSecretsOptions): SecretStore {
  const mode = opts.mode ?? 'auto';
  const plainFile = join(opts.dataDir, 'secrets.json');
  if (mode === 'file') {
    return announced(
      new FileSecretStore(plainFile),
      opts.warn,
      `QHCI_SECRETS=file: host passwords and passphrases are kept unencrypted in ${plainFile} (mode 0600).`,
    );
  }
  const keychain = opts.keychain ?? new KeychainSecretStore();
  const unavailable = keychain.probe();
  if (unavailable === null) {
    migrate(keychain, [{ file: plainFile }, ...(opts.legacyFiles ?? [])], opts.warn);
    return keychain;
  }
  if (mode === 'keychain') {
    return failing(
      new AppError(
        'UNSUPPORTED',
        `QHCI_SECRETS=keychain, but the OS keychain cannot be used: ${unavailable}. Unset it (or set QHCI_SECRETS=file) to keep secrets in a file instead.`,
      ),
    );
  }
  if (opts.encryptedFile) {
    const store = new FileSecretStore(opts.encryptedFile.file, opts.encryptedFile.cipher);
    migrate(store, [{ file: plainFile }], opts.warn);
    return announced(
      store,
      opts.warn,
      `No OS keychain (${unavailable}): host passwords and passphrases are kept in ${opts.encryptedFile.file}, ${opts.encryptedFile.cipher.description}.`,
    );
  }
  return announced(
    new FileSecretStore(plainFile),
    opts.warn,
    `No OS keychain (${unavailable}): host passwords and passphrases are kept unencrypted in ${plainFile} (mode 0600). Set QHCI_SECRETS=file to choose this explicitly.`,
  );
}

/** A store that says once, when it first keeps a secret, where that secret goes. */
function announced(store: FileSecretStore, warn: (msg: string) => void, message: string): SecretStore {
  let said = false;
  return {
    get: (ref) => store.get(ref),
    set: (ref, value) => {
      if (!said) warn(message);
      said = true;
      store.set(ref, value);
    },
    delete: (ref) => store.delete(ref),
    protection: store.protection,
    kind: store.kind,
  };
}

function failing(err: AppError): SecretStore {
  return {
    get: () => {
      throw err;
    },
    set: () => {
      throw err;
    },
    delete: () => {
      throw err;
    },
    protection: 'none: the requested OS keychain is not available',
    kind: 'keychain' satisfies SecretStorageKind,
  };
}

/**
 * Moves the secrets of older files into the store, then removes them from the file (the file goes when it is
 * empty). A file that cannot be read or decrypted is left untouched, and the warning says so.
 */
function migrate(
  into: SecretStore,
  sources: ReadonlyArray<{ readonly file: string; readonly cipher?: ValueCipher }>,
  warn: (msg: string) => void,
): void {
  for (const source of sources) {
    const file = new FileSecretStore(source.file, source.cipher);
    try {
      const entries = file.entries();
      for (const [ref, value] of entries) into.set(ref, value);
      // Only what was moved goes: a value another process wrote meanwhile stays for the next start.
      const moved = new Map(entries);
      for (const [ref, value] of file.entries()) if (moved.get(ref) === value) file.delete(ref);
      if (entries.length)
        warn(`Moved ${entries.length} host secret(s) from ${source.file} into the OS keychain.`);
    } catch (err) {
      warn(`The secrets in ${source.file} were not moved into the OS keychain: ${(err as Error).message}`);
    }
  }
}
