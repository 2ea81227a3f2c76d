import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The same per-user data directory the desktop app uses (Electron's userData for product "QHCI"). */
export function defaultDataDir(): string {
  if (process.env.QHCI_DATA_DIR) return resolve(process.env.QHCI_DATA_DIR);
  if (process.platform === 'win32')
    return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'QHCI');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'QHCI');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'QHCI');
}

export const MIGRATIONS_DIR = resolve(__dirname, '../../migrations');
