/**
 * Where host passwords and key passphrases live: never in SQLite. The desktop app uses an Electron
 * safeStorage-backed store (the OS keychain encrypts the values). The CLI and tests use FileSecretStore.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SecretStore {
  get(ref: string): string | undefined;
  set(ref: string, value: string): void;
  delete(ref: string): void;
  /** What protects the values, for the UI and docs. */
  readonly protection: string;
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
 * Secrets in one JSON file with mode 0600 in the data directory. Without a cipher the values are NOT
 * encrypted: this is the explicit store of the command-line tool and the tests, documented as such.
 */
export class FileSecretStore implements SecretStore {
  constructor(
    readonly file: string,
    private readonly cipher: ValueCipher = PLAIN,
  ) {}

  get protection(): string {
    return this.cipher.description;
  }

  private read(): Record<string, string> {
    if (!existsSync(this.file)) return {};
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  private write(all: Record<string, string>): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  get(ref: string): string | undefined {
    const v = this.read()[ref];
    return v === undefined ? undefined : this.cipher.decrypt(v);
  }

  set(ref: string, value: string): void {
    const all = this.read();
    all[ref] = this.cipher.encrypt(value);
    this.write(all);
  }

  delete(ref: string): void {
    const all = this.read();
    if (!(ref in all)) return;
    delete all[ref];
    this.write(all);
  }
}

/** Secrets held only in memory: a connection test, or a new host until it has connected once. */
export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  readonly protection = 'memory only';
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
