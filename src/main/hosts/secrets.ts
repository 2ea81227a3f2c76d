/**
 * Where host passwords and key passphrases live: never in SQLite. The app and the CLI share one store, the
 * OS keychain (keychain-secrets.ts); a file in the data directory is only the visible fallback when no
 * keychain can be reached, or when QHCI_SECRETS=file asks for it.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppError } from '../../shared/domain/errors';

/** What protects a store's values, as app.info reports it. */
export type SecretStorageKind = 'keychain' | 'encrypted-file' | 'plain-file';

export interface SecretStore {
  get(ref: string): string | undefined;
  set(ref: string, value: string): void;
  delete(ref: string): void;
  /** What protects the values, in words for the UI and docs. */
  readonly protection: string;
  /** The same, as a key; 'memory' for a store that never outlives the process. */
  readonly kind: SecretStorageKind | 'memory';
}

/** Encodes values for a file: the Electron store passes the OS keychain's cipher here. */
export interface ValueCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  readonly description: string;
}

const PLAIN: ValueCipher = {
  encrypt: (v) => v,
  decrypt: (v) => v,
  description: 'a file readable only by your user (mode 0600), not encrypted',
};

/**
 * Secrets in one JSON file with mode 0600. Without a cipher the values are NOT encrypted: the explicit
 * fallback of the command-line tool and the store of the tests, documented as such.
 *
 * A file that exists but cannot be parsed is never treated as empty: reading it, and so every write, raises
 * an AppError naming the file, and the file is left exactly as it is for the user to repair or remove.
 */
export class FileSecretStore implements SecretStore {
  constructor(
    readonly file: string,
    private readonly cipher: ValueCipher = PLAIN,
  ) {}

  get protection(): string {
    return this.cipher.description;
  }

  get kind(): SecretStorageKind {
    return this.cipher === PLAIN ? 'plain-file' : 'encrypted-file';
  }

  /** Every stored entry (values as stored, still encoded by the cipher). */
  readAll(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      throw unreadable(this.file, (err as Error).message);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw unreadable(this.file, 'it does not hold a JSON object');
    }
    const all = parsed as Record<string, unknown>;
    for (const [ref, value] of Object.entries(all)) {
      if (typeof value !== 'string') throw unreadable(this.file, `the value of "${ref}" is not a string`);
    }
    return all as Record<string, string>;
  }

  private write(all: Record<string, string>): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    if (Object.keys(all).length === 0 && existsSync(this.file)) {
      rmSync(this.file);
      return;
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  get(ref: string): string | undefined {
    const v = this.readAll()[ref];
    return v === undefined ? undefined : this.cipher.decrypt(v);
  }

  set(ref: string, value: string): void {
    const all = this.readAll();
    all[ref] = this.cipher.encrypt(value);
    this.write(all);
  }

  delete(ref: string): void {
    const all = this.readAll();
    if (!(ref in all)) return;
    delete all[ref];
    this.write(all);
  }

  /** Every entry, decoded (for moving them into the keychain). */
  entries(): Array<[string, string]> {
    return Object.entries(this.readAll()).map(([ref, v]) => [ref, this.cipher.decrypt(v)]);
  }
}

function unreadable(file: string, why: string): AppError {
  return new AppError(
    'CONFLICT',
    `The secrets file ${file} cannot be read (${why}). QHCI leaves it as it is and stores no secret until ` +
      'it is repaired or removed (removing it forgets the host passwords and passphrases kept in it).',
  );
}

/** Secrets held only in memory: a connection test, or a new host until it has connected once. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  readonly protection = 'memory only';
  readonly kind = 'memory' as const;
  get(ref: string): string | undefined {
    return this.values.get(ref);
  }
  set(ref: string, value: string): void {
    this.values.set(ref, value);
  }
  delete(ref: string): void {
    this.values.delete(ref);
  }
  /** Moves every value into another store (after the connection was proven). */
  copyTo(other: SecretStore): void {
    for (const [ref, value] of this.values) other.set(ref, value);
  }
}
