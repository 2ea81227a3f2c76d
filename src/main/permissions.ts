/**
 * What the window may ask of Chromium. Nothing, except full screen for the console, and only for the app's
 * own page (its main frame, on the app's origin). Plain Node: window.ts installs it with Electron.
 */
export interface PermissionAsk {
  readonly permission: string;
  readonly requestingUrl: string | undefined;
  readonly isMainFrame: boolean | undefined;
}

const ALLOWED = new Set(['fullscreen']);

export function permissionAllowed(ask: PermissionAsk, appUrl: string): boolean {
  if (!ALLOWED.has(ask.permission) || ask.isMainFrame !== true || !ask.requestingUrl) return false;
  try {
    // Scheme, host and port: URL.origin is "null" for app:// in Node, whatever the host.
    const a = new URL(ask.requestingUrl);
    const b = new URL(appUrl);
    return a.protocol === b.protocol && a.host === b.host;
  } catch {
    return false;
  }
}
