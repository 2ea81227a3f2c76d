/** A real app on a fresh temporary data directory, for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp, type App } from '../../src/main/app';
import { inProcessBridge } from '../../src/main/ipc/in-process';
import { createClient, type QhciClient } from '../../src/shared/ipc/transport';

export const REPO_ROOT = resolve(__dirname, '../..');
export const MIGRATIONS_DIR = join(REPO_ROOT, 'migrations');

export interface TestApp {
  readonly app: App;
  readonly client: QhciClient;
  readonly dataDir: string;
  readonly dbFile: string;
  /** Closes the app and removes the data directory. */
  dispose(): void;
}

export function tempDir(prefix = 'qhci-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function startTestApp(
  dataDir = tempDir(),
  provisioning?: Parameters<typeof createApp>[0]['provisioning'],
): TestApp {
  const app = createApp({
    dataDir,
    migrationsDir: MIGRATIONS_DIR,
    version: 'test',
    ...(provisioning ? { provisioning } : {}),
  });
  return {
    app,
    client: createClient(inProcessBridge(app)),
    dataDir,
    dbFile: join(dataDir, 'qhci.db'),
    dispose() {
      app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
