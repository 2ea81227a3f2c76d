/**
 * Which IPC senders main trusts: only the main frame of one of the app's own windows, showing the app's
 * own page. Kept free of electron so it can be tested on plain Node.
 */
export interface SenderInfo {
  /** webContents id of the sender. */
  readonly webContentsId: number;
  /** URL of the frame that sent the message (senderFrame.url); null when the frame is gone. */
  readonly frameUrl: string | null;
  /** Whether the sending frame is its webContents' main frame (no iframes). */
  readonly isMainFrame: boolean;
}

export interface TrustPolicy {
  /** webContents ids of the windows the app opened. */
  readonly trustedWebContents: ReadonlySet<number>;
  /** The renderer's own location: app://qhci/index.html, or the dev server's origin in development. */
  readonly appUrl: string;
}

export function isTrustedSender(sender: SenderInfo, policy: TrustPolicy): boolean {
  if (!policy.trustedWebContents.has(sender.webContentsId)) return false;
  if (!sender.isMainFrame || sender.frameUrl === null) return false;
  let frame: URL;
  let app: URL;
  try {
    frame = new URL(sender.frameUrl);
    app = new URL(policy.appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') {
    // The same file, whatever hash or query the renderer adds.
    return frame.protocol === 'file:' && frame.host === app.host && frame.pathname === app.pathname;
  }
  if (app.origin === 'null') {
    // A custom scheme (app://qhci): URL gives such origins as the opaque "null", so compare its parts.
    return frame.protocol === app.protocol && frame.host === app.host && frame.host !== '';
  }
  return frame.origin === app.origin;
}
