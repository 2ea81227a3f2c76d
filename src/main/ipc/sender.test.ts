import { describe, expect, it } from 'vitest';
import { isTrustedSender, type TrustPolicy } from './sender';

const policy: TrustPolicy = {
  trustedWebContents: new Set([1]),
  appUrl: 'file:///opt/QHCI/resources/app.asar/out/renderer/index.html',
};
const ok = {
  webContentsId: 1,
  frameUrl: 'file:///opt/QHCI/resources/app.asar/out/renderer/index.html',
  isMainFrame: true,
};

describe('IPC sender check', () => {
  it("accepts the app's own main frame, whatever hash it shows", () => {
    expect(isTrustedSender(ok, policy)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: `${ok.frameUrl}#/folders` }, policy)).toBe(true);
  });

  it('rejects a foreign frame: an iframe, another page, another origin, an unknown window, a gone frame', () => {
    expect(isTrustedSender({ ...ok, isMainFrame: false }, policy)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'file:///tmp/evil.html' }, policy)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'https://example.com/' }, policy)).toBe(false);
    expect(isTrustedSender({ ...ok, webContentsId: 2 }, policy)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: null }, policy)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'not a url' }, policy)).toBe(false);
  });

  it('for the app:// scheme trusts only app://qhci, never another custom scheme or host', () => {
    const app: TrustPolicy = { trustedWebContents: new Set([1]), appUrl: 'app://qhci/index.html' };
    expect(isTrustedSender({ ...ok, frameUrl: 'app://qhci/index.html#/vms' }, app)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: 'app://qhci/other.html' }, app)).toBe(true);
    // Opaque origins are all "null": none of these may pass for the app.
    expect(isTrustedSender({ ...ok, frameUrl: 'evil://qhci/index.html' }, app)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'app://evil/index.html' }, app)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'data:text/html,<p>x' }, app)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'about:blank' }, app)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'file:///opt/QHCI/index.html' }, app)).toBe(false);
  });

  it('in development trusts only the dev server origin', () => {
    const dev: TrustPolicy = { trustedWebContents: new Set([1]), appUrl: 'http://localhost:5173' };
    expect(isTrustedSender({ ...ok, frameUrl: 'http://localhost:5173/index.html' }, dev)).toBe(true);
    expect(isTrustedSender({ ...ok, frameUrl: 'http://localhost:5174/' }, dev)).toBe(false);
    expect(isTrustedSender({ ...ok, frameUrl: 'http://localhost.evil.com:5173/' }, dev)).toBe(false);
  });
});
