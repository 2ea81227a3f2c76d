/** The main window, locked down: sandboxed, isolated, no node, no navigation, no new windows, no permissions. */
import { BrowserWindow, protocol, session } from 'electron';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { APP_SCHEME, APP_URL, appFile, appFileType } from './app-protocol';
import { permissionAllowed } from './permissions';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  // Only as a header: browsers ignore frame-ancestors in the page's <meta> policy.
  "frame-ancestors 'none'",
].join('; ');

/** `appUrl`: where the app's page comes from (app://qhci/, or the dev server). */
export function hardenSession(appUrl: string): void {
  const ses = session.defaultSession;
  // Nothing but full screen for the console, for the app's own page only (permissions.ts).
  ses.setPermissionRequestHandler((_wc, permission, callback, details) =>
    callback(
      permissionAllowed(
        { permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame },
        appUrl,
      ),
    ),
  );
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
    permissionAllowed(
      {
        permission,
        requestingUrl: details.requestingUrl ?? requestingOrigin,
        isMainFrame: details.isMainFrame,
      },
      appUrl,
    ),
  );
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}

/** Before the app is ready: app:// is a standard, secure scheme (so 'self' and fetch work as for https). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the renderer's build directory on app://qhci/, with the CSP on every response. */
export function serveApp(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFile(rendererDir, request.url);
    if (!file) return new Response('Not found', { status: 404 });
    return new Response(await readFile(file), {
      headers: { 'Content-Type': appFileType(file), 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
    });
  });
}

export function createMainWindow(opts: { preload: string; rendererUrl: string | null }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'QHCI',
    webPreferences: {
      preload: opts.preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      spellcheck: false,
      // A middle click can ask for nothing: new windows are denied anyway (a second lock).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  win.webContents.on('will-redirect', (event) => event.preventDefault());
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // No new windows, and nothing handed to the system browser either: nothing in the app links out.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  void win.loadURL(opts.rendererUrl ?? APP_URL);
  return win;
}

export function rendererPaths(outDir: string) {
  return {
    preload: join(outDir, 'preload/index.js'),
    rendererDir: join(outDir, 'renderer'),
  };
}
