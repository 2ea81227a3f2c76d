/** Electron entry: app lifecycle, the window and IPC wiring. Every service lives in app.ts, free of electron. */
import { app as electronApp, BrowserWindow, dialog } from 'electron';
import { join } from 'node:path';
import { createApp, type App } from './app';
import { appSecretStore } from './electron-secrets';
import { wireIpc, type IpcWiring } from './ipc/electron-ipc';
import { APP_URL } from './app-protocol';
import { pickFile } from './file-dialog';
import { createMainWindow, hardenSession, registerAppScheme, rendererPaths, serveApp } from './window';

const log = (msg: string) => console.error(`[qhci] ${msg}`);

// A second launch hands over to the first (its window comes to the front) instead of opening the same
// inventory twice.
if (!electronApp.requestSingleInstanceLock()) {
  electronApp.quit();
} else {
  let services: App | null = null;
  let ipc: IpcWiring | null = null;
  let mainWindow: BrowserWindow | null = null;

  const outDir = join(__dirname, '..');
  const paths = rendererPaths(outDir);
  const devUrl = !electronApp.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;
  const appUrl = devUrl ?? APP_URL;
  registerAppScheme();

  const openWindow = () => {
    mainWindow = createMainWindow({ preload: paths.preload, rendererUrl: devUrl });
    ipc?.attach(mainWindow.webContents);
    mainWindow.on('closed', () => (mainWindow = null));
  };

  electronApp.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  electronApp.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  void electronApp.whenReady().then(() => {
    hardenSession(appUrl);
    serveApp(paths.rendererDir);
    const dataDir = process.env.QHCI_DATA_DIR ?? electronApp.getPath('userData');
    const migrationsDir = electronApp.isPackaged
      ? join(process.resourcesPath, 'migrations')
      : join(electronApp.getAppPath(), 'migrations');
    try {
      // Host passwords go to the OS keychain, shared with the `qhci` tool; without one (a Linux session with
      // no Secret Service) to a file, and the log says which.
      const secrets = appSecretStore(dataDir, log);
      services = createApp({
        dataDir,
        migrationsDir,
        version: electronApp.getVersion(),
        log,
        logError: (channel, err) => log(`${channel} failed: ${(err as Error)?.stack ?? String(err)}`),
        secrets,
        // Live state: lifecycle events, with a full re-sync as the fallback every QHCI_POLL_SECONDS (60).
        monitor: { pollMs: Number(process.env.QHCI_POLL_SECONDS ?? 60) * 1000 },
        // The window names workstation files only through this dialog, which main opens itself.
        pickFile: (purpose) => pickFile(mainWindow, purpose),
      });
    } catch (err) {
      log(`Cannot start: ${(err as Error).message}`);
      dialog.showErrorBox('QHCI cannot start', (err as Error).message);
      electronApp.exit(1);
      return;
    }
    const app = services;
    ipc = wireIpc(
      { dispatch: app.windowDispatch, subscribe: (l) => app.subscribe(l) },
      appUrl,
      log,
      app.consoles,
    );
    openWindow();
    electronApp.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow();
    });
  });

  electronApp.on('window-all-closed', () => {
    if (process.platform !== 'darwin') electronApp.quit();
  });

  electronApp.on('will-quit', () => {
    ipc?.dispose();
    services?.close();
  });
}
